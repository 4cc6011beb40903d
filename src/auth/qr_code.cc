#include "auth/qr_code.h"

#include <png.h>
#include <qrencode.h>

#include <memory>
#include <vector>

#include "base/uri.h"

namespace citadel::auth {

namespace {

constexpr int kQuietZone = 4;

void append_png_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

}  // namespace

std::optional<std::string> qr_code_png(std::string_view text, int scale) {
  std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!qr) return std::nullopt;
  const int modules = qr->width + 2 * kQuietZone;
  const int size = modules * scale;

  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return std::nullopt;
  png_infop info = png_create_info_struct(png);
  std::string out;
  // libpng reports errors by longjmp; nothing below owns resources that a jump would leak.
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return std::nullopt;
  }
  png_set_write_fn(png, &out, append_png_bytes, nullptr);
  png_set_IHDR(png, info, size, size, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  // One bit per pixel, 1 = white; a QR module's low bit is 1 when it is dark.
  std::vector<png_byte> row((size + 7) / 8);
  for (int y = 0; y < size; ++y) {
    std::fill(row.begin(), row.end(), 0xFF);
    int my = y / scale - kQuietZone;
    if (my >= 0 && my < qr->width) {
      for (int x = 0; x < size; ++x) {
        int mx = x / scale - kQuietZone;
        if (mx >= 0 && mx < qr->width && (qr->data[my * qr->width + mx] & 1))
          row[x / 8] = static_cast<png_byte>(row[x / 8] & ~(0x80 >> (x % 8)));
      }
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string otpauth_uri(std::string_view device_name, std::string_view account_label, std::string_view base32_seed) {
  std::string label = "Amazon Web Services:" + std::string(device_name) + "@" + std::string(account_label);
  return "otpauth://totp/" + uri::encode(label) + "?secret=" + std::string(base32_seed) + "&issuer=Amazon%20Web%20Services";
}

}  // namespace citadel::auth
