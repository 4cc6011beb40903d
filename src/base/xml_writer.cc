#include "base/xml_writer.h"

namespace citadel {

void XmlWriter::text(std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '<': out_ += "&lt;"; break;
      case '>': out_ += "&gt;"; break;
      case '&': out_ += "&amp;"; break;
      case '\r': out_ += "&#xD;"; break;
      default: out_ += c;
    }
  }
}

}  // namespace citadel
