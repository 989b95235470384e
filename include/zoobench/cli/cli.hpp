#pragma once
// The command-line entry point: parse (CLI11), run, and map errors to one line and an exit code.
namespace zoobench {

int cli_main(int argc, char** argv);

}  // namespace zoobench
