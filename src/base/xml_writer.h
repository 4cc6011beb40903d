#pragma once
// A minimal streaming XML writer for AWS responses: escapes text, nothing else.
#include <string>
#include <string_view>

namespace citadel {

class XmlWriter {
 public:
  void declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
  void open(std::string_view name, std::string_view xmlns = {}) {
    out_ += '<';
    out_ += name;
    if (!xmlns.empty()) {
      out_ += " xmlns=\"";
      out_ += xmlns;
      out_ += '"';
    }
    out_ += '>';
  }
  void close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  void text(std::string_view s);
  void element(std::string_view name, std::string_view value) {
    open(name);
    text(value);
    close(name);
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

}  // namespace citadel
