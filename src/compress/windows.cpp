#include <cmath>
#include <cstdlib>

#include "compress/compress.h"
#include "core/limits.h"

namespace shelfcast {

Result<std::vector<CalibrationWindow>> ParseCalibrationWindows(const std::string& text, uint32_t window) {
  std::vector<CalibrationWindow> out;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = "calibration line " + std::to_string(line_no);
    if (line.size() > limits::kMaxCsvLineBytes * 4)
      return LimitExceeded(where + ": longer than " + std::to_string(limits::kMaxCsvLineBytes * 4) + " bytes");
    CalibrationWindow w;
    size_t field_start = 0, field = 0;
    while (field_start <= line.size()) {
      size_t comma = line.find(',', field_start);
      if (comma == std::string::npos) comma = line.size();
      const std::string cell = line.substr(field_start, comma - field_start);
      ++field;
      if (field == 1 && cell.size() == 10 && cell[4] == '-') {
        if (!ParseIsoDate(cell, &w.first_target_day))
          return InvalidData(where + ", field 1: '" + cell + "' is not a YYYY-MM-DD date");
      } else {
        char* stop = nullptr;
        const float v = std::strtof(cell.c_str(), &stop);
        if (cell.empty() || stop != cell.c_str() + cell.size() || !std::isfinite(v))
          return InvalidData(where + ", field " + std::to_string(field) + ": '" + cell + "' is not a finite number");
        w.sales.push_back(v);
      }
      field_start = comma + 1;
    }
    if (w.sales.size() != window)
      return InvalidData(where + ": " + std::to_string(w.sales.size()) + " values, the model's window is " +
                         std::to_string(window));
    out.push_back(std::move(w));
  }
  if (out.empty()) return InvalidData("the calibration file holds no windows");
  return out;
}

}  // namespace shelfcast
