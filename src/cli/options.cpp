#include "zoobench/cli/options.hpp"

namespace zoobench {

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  for (char ch : text) {
    if (ch == separator) {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  if (!part.empty()) parts.push_back(part);
  return parts;
}

}  // namespace zoobench
