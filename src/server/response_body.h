#pragma once
// The body of every HTTP response: text held in memory, or a protocol::BodySource read piece by
// piece as the connection drains it (S3's GetObject), so that a large object is never held whole.
// A Beast Body type (its writer hands the serializer one piece at a time).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <memory>
#include <string>

#include "protocol/body_source.h"

namespace citadel::server {

struct ResponseBody {
  struct value_type {
    std::string text;
    std::shared_ptr<protocol::BodySource> source;  // when set, the body (text is empty)
  };

  static std::uint64_t size(const value_type& v) {
    return v.source ? static_cast<std::uint64_t>(v.source->size()) : v.text.size();
  }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;
    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}
    void init(boost::beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (!body_.source) {
        if (done_) return boost::none;
        done_ = true;
        return std::make_pair(boost::asio::const_buffer(body_.text.data(), body_.text.size()), false);
      }
      auto piece = body_.source->next();
      if (!piece) {
        // The headers promised more bytes than can be read: the connection is cut short.
        ec = boost::beast::http::error::partial_message;
        return boost::none;
      }
      if (piece->empty()) return boost::none;
      return std::make_pair(boost::asio::const_buffer(piece->data(), piece->size()), true);
    }

   private:
    const value_type& body_;
    bool done_ = false;
  };
};

}  // namespace citadel::server
