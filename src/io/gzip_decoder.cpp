#include "io/gzip_decoder.h"

#ifdef ZEEKGRAPH_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#include <cstring>

namespace zeekgraph::io {

#ifdef ZEEKGRAPH_HAVE_ISAL
struct gzip_decoder::impl {
  inflate_state st;
  void reset() {
    isal_inflate_init(&st);
    st.crc_flag = ISAL_GZIP;
  }
};
const char* gzip_decoder::backend() { return "isa-l igzip"; }
#else
struct gzip_decoder::impl {
  z_stream zs{};
  bool init = false;
  void reset() {
    if (init) inflateEnd(&zs);
    std::memset(&zs, 0, sizeof zs);
    inflateInit2(&zs, 15 + 16);
    init = true;
  }
  ~impl() {
    if (init) inflateEnd(&zs);
  }
};
const char* gzip_decoder::backend() { return "zlib"; }
#endif

gzip_decoder::gzip_decoder() : impl_(std::make_unique<impl>()) { impl_->reset(); }
gzip_decoder::~gzip_decoder() = default;

gzip_status gzip_decoder::decode(const unsigned char* in, size_t in_len, bool in_eof,
                                 unsigned char* out, size_t cap, size_t& used, size_t& produced) {
  used = produced = 0;
  if (member_done_) {
    if (in_len == 0) return in_eof ? gzip_status::end : gzip_status::ok;
    if (in_len < 2 || in[0] != 0x1f || in[1] != 0x8b) {
      used = in_len;
      return gzip_status::trailing_garbage;
    }
    impl_->reset();  // another member follows, as `cat a.gz b.gz` makes
    member_done_ = false;
  }
#ifdef ZEEKGRAPH_HAVE_ISAL
  inflate_state& st = impl_->st;
  st.next_in = const_cast<unsigned char*>(in);
  st.avail_in = static_cast<uint32_t>(in_len);
  st.next_out = out;
  st.avail_out = static_cast<uint32_t>(cap);
  int r = isal_inflate(&st);
  // isa-l hands back read-ahead bytes by raising avail_in; on damaged input
  // it can raise it past what it was given (found by the gzip fuzzer), so
  // never trust it beyond in_len.
  used = st.avail_in <= in_len ? in_len - st.avail_in : in_len;
  produced = st.avail_out <= cap ? cap - st.avail_out : 0;
  if (st.avail_in > in_len && r >= 0) r = ISAL_INVALID_BLOCK;
  if (r < 0) {
    error_ = r == ISAL_INCORRECT_CHECKSUM ? "checksum mismatch"
             : r == ISAL_INVALID_WRAPPER  ? "invalid gzip header"
                                          : "invalid deflate data (code " + std::to_string(r) + ")";
    return gzip_status::corrupt;
  }
  if (st.block_state == ISAL_BLOCK_FINISH) {
    member_done_ = true;
    return gzip_status::ok;
  }
#else
  z_stream& zs = impl_->zs;
  zs.next_in = const_cast<unsigned char*>(in);
  zs.avail_in = static_cast<uInt>(in_len);
  zs.next_out = out;
  zs.avail_out = static_cast<uInt>(cap);
  int r = inflate(&zs, Z_NO_FLUSH);
  used = in_len - zs.avail_in;
  produced = cap - zs.avail_out;
  if (r == Z_STREAM_END) {
    member_done_ = true;
    return gzip_status::ok;
  }
  if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_MEM_ERROR || r == Z_STREAM_ERROR) {
    error_ = zs.msg ? zs.msg : "invalid deflate data";
    return gzip_status::corrupt;
  }
#endif
  if (produced == 0 && used == in_len && in_eof) return gzip_status::truncated;
  return gzip_status::ok;
}

}  // namespace zeekgraph::io
