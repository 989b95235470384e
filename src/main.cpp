#include "zoobench/cli/cli.hpp"

int main(int argc, char** argv) { return zoobench::cli_main(argc, argv); }
