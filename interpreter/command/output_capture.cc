#include "command/output_capture.h"

#include "expr/json.h"

namespace rb::command {

std::optional<expr::Value> capture_output(model::Capture capture, const std::string& stdout_text,
                                          std::string* error) {
  switch (capture) {
    case model::Capture::kText: {
      std::string t = stdout_text;
      if (!t.empty() && t.back() == '\n') t.pop_back();
      if (!t.empty() && t.back() == '\r') t.pop_back();
      return expr::Value(std::move(t));
    }
    case model::Capture::kLines: {
      expr::List lines;
      size_t begin = 0;
      while (begin < stdout_text.size()) {
        size_t end = stdout_text.find('\n', begin);
        if (end == std::string::npos) end = stdout_text.size();
        std::string line = stdout_text.substr(begin, end - begin);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(expr::Value(std::move(line)));
        begin = end + 1;
      }
      return expr::Value(std::move(lines));
    }
    case model::Capture::kJson: {
      std::string why;
      auto v = expr::parse_json(stdout_text, &why);
      if (!v && error) *error = "stdout is not JSON (capture: json): " + why;
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace rb::command
