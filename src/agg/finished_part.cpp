#include "agg/finished_part.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <queue>

#include "agg/byte_codec.h"
#include "agg/finalize.h"

namespace zeekgraph::agg {
namespace {

using codec::reader;
using codec::writer;

constexpr char MAGIC[8] = {'Z', 'G', 'P', 'A', 'R', 'T', '\n', '\0'};
enum section_tag : uint32_t { META = 1, TABLE = 2, TEXT = 3, END = 4 };

error usage(std::string what) {
  return error{error_kind::usage, std::move(what), "join the finished partitions of one job, each once"};
}

// Whether row `a` of `x` sorts before row `b` of `y` by their first `keys`
// columns, as finalize() sorts groups: text bytewise, numbers by value.
bool key_less(const table::summary_table& x, size_t a, const table::summary_table& y, size_t b, size_t keys) {
  for (size_t c = 0; c < keys; ++c) {
    const table::column &cx = x.columns[c], &cy = y.columns[c];
    switch (cx.type) {
      case table::column_type::int64:
        if (cx.ints[a] != cy.ints[b]) return cx.ints[a] < cy.ints[b];
        break;
      case table::column_type::float64:
        if (cx.floats[a] < cy.floats[b]) return true;
        if (cy.floats[b] < cx.floats[a]) return false;
        break;
      case table::column_type::string:
        if (const int k = cx.strings[a].compare(cy.strings[b]); k != 0) return k < 0;
        break;
    }
  }
  return false;
}

}  // namespace

result<finished_part> finish_partition(saved_state& st, std::optional<table::table_format> format, bool keys_only,
                                       unsigned threads) {
  if (!st.closed)
    return error{error_kind::usage, "only a closed state's partition can be finished",
                 "merge the partition's states with close=true first"};
  if (keys_only && !format)
    return error{error_kind::usage, "a finished partition of its keys alone needs its rows' text", ""};
  finished_part out;
  out.partition = st.partition;
  out.partitions = st.partitions;
  out.keys = st.spec.keys.size();
  const aggregate_plan& plan = *st.plan;
  bool repeated = false;
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    if (!plan.columns[c].need_nunique) continue;
    const nunique_kind kind = count_kind(st, out.nunique.size(), static_cast<int>(c), threads);
    out.nunique.push_back(plan.columns[c].name);
    out.kinds.push_back(kind);
    repeated = repeated || kind == nunique_kind::repeated;
  }
  if (repeated) return out;  // the job counts again; these rows would be wrong
  out.table = finalize(*st.groups, threads);
  out.format = format;
  if (format) {
    out.header = table::header_line(out.table, *format);
    const size_t rows = out.table.rows();
    out.text_ends.reserve(rows);
    for (size_t r = 0; r < rows; ++r) {
      table::append_row(out.text, out.table, r, *format);
      out.text_ends.push_back(out.text.size());
    }
  }
  if (keys_only) {
    out.table.columns.resize(out.keys);
    out.keys_only = true;
  }
  return out;
}

pooled_string encode_part(const finished_part& part) {
  writer w;
  const size_t rows = part.table.rows();
  w.b.append(MAGIC, sizeof MAGIC);
  w.u32(FINISHED_PART_VERSION);
  w.begin_section(META);
  w.var(part.partition);
  w.var(part.partitions);
  w.var(part.keys);
  w.var(part.nunique.size());
  for (size_t i = 0; i < part.nunique.size(); ++i) {
    w.str(part.nunique[i]);
    w.u8(static_cast<uint8_t>(part.kinds[i]));
  }
  w.var(rows);
  w.u8(part.format ? static_cast<uint8_t>(*part.format) + 1 : 0);
  w.u8(part.keys_only);
  w.end_section();

  w.begin_section(TABLE);
  w.var(part.table.columns.size());
  for (const table::column& c : part.table.columns) {
    w.str(c.name);
    w.u8(static_cast<uint8_t>(c.type));
    switch (c.type) {
      case table::column_type::int64: w.bytes(c.ints.data(), rows * 8); break;
      case table::column_type::float64: w.bytes(c.floats.data(), rows * 8); break;
      case table::column_type::string:
        w.u8(!c.string_null.empty());
        if (!c.string_null.empty()) w.bytes(c.string_null.data(), rows);
        for (const std::string& s : c.strings) w.str(s);
        break;
    }
  }
  w.end_section();

  w.begin_section(TEXT);
  w.str(part.header);
  uint64_t from = 0;
  for (uint64_t end : part.text_ends) {
    w.var(end - from);
    from = end;
  }
  w.bytes(part.text.data(), part.text.size());
  w.end_section();
  w.begin_section(END);
  w.end_section();
  return std::move(w.b);
}

result<finished_part> decode_part(std::string_view bytes, const std::string& name) {
  auto bad = [&](const std::string& what) {
    return error{error_kind::corrupt, "'" + name + "' is not a valid finished partition: " + what,
                 "a reduce task of this zeekgraph writes them"};
  };
  const std::optional<uint32_t> version = codec::file_version(bytes, MAGIC);
  if (!version) return bad("it does not start with a finished partition's magic bytes");
  if (*version != FINISHED_PART_VERSION) return bad("it is of version " + std::to_string(*version));
  std::map<uint32_t, std::string_view> sections;
  if (const std::string fault = codec::split_sections(bytes, sizeof MAGIC + 4, END, sections); !fault.empty())
    return bad(fault);
  for (uint32_t t : {META, TABLE, TEXT})
    if (!sections.count(t)) return bad("section " + std::to_string(t) + " is missing");

  finished_part part;
  reader m{sections[META]};
  const uint64_t partition = m.var("the partition"), partitions = m.var("the partition");
  if (m.ok() && (partitions == 0 || partition >= partitions || partitions > UINT32_MAX)) m.fail("a partition out of range");
  part.partition = static_cast<uint32_t>(partition);
  part.partitions = static_cast<uint32_t>(partitions);
  part.keys = m.count(0, "the key columns");
  const size_t nu = m.count(2, "the nunique columns");
  for (size_t i = 0; i < nu && m.ok(); ++i) {
    part.nunique.emplace_back(m.bytes("a nunique column"));
    const uint8_t kind = m.u8("a nunique column");
    if (kind > static_cast<uint8_t>(nunique_kind::repeated)) m.fail("an unknown kind of distinct values");
    part.kinds.push_back(static_cast<nunique_kind>(kind));
  }
  const uint64_t rows = m.var("the rows");
  const uint8_t format = m.u8("the text format");
  if (format > 2) m.fail("an unknown text format");
  if (format) part.format = static_cast<table::table_format>(format - 1);
  part.keys_only = m.flag("the kind of table");
  if (m.ok() && part.keys_only && !part.format) m.fail("key columns alone without their rows' text");
  if (m.ok() && m.left()) m.fail("bytes after the header");
  if (!m.ok()) return bad(m.fault);

  reader t{sections[TABLE]};
  const size_t ncols = t.count(2, "the columns");
  if (t.ok() && (ncols ? rows > t.left() : rows != 0)) t.fail("more rows than the columns hold");
  if (t.ok() && ncols && (part.keys > ncols || (part.keys_only && part.keys != ncols)))
    t.fail("key columns that are not the table's");  // no columns: the counts repeated
  part.table.columns.resize(t.ok() ? ncols : 0);
  for (table::column& c : part.table.columns) {
    if (!t.ok()) break;
    c.name = t.bytes("a column's name");
    const uint8_t type = t.u8("a column's type");
    if (type > static_cast<uint8_t>(table::column_type::string)) t.fail("an unknown column type");
    if (!t.ok()) break;
    c.type = static_cast<table::column_type>(type);
    const size_t n = static_cast<size_t>(rows);
    if (c.type != table::column_type::string) {
      if (!t.need(n * 8, "a column's values")) break;
      const bool ints = c.type == table::column_type::int64;
      if (ints)
        c.ints.resize(n);
      else
        c.floats.resize(n);
      if (n) std::memcpy(ints ? static_cast<void*>(c.ints.data()) : c.floats.data(), t.s.data() + t.pos, n * 8);
      t.pos += n * 8;
      continue;
    }
    if (t.flag("a column's nulls")) {
      if (!t.need(n, "a column's nulls")) break;
      c.string_null.assign(t.s.data() + t.pos, t.s.data() + t.pos + n);
      t.pos += n;
      for (unsigned char b : c.string_null)
        if (b > 1) {
          t.fail("a null flag that is neither 0 nor 1");
          break;
        }
    }
    if (t.ok() && n > t.left()) t.fail("more strings than the column holds");
    c.strings.reserve(t.ok() ? n : 0);
    for (size_t r = 0; r < n && t.ok(); ++r) c.strings.emplace_back(t.bytes("a string"));
  }
  if (t.ok() && t.left()) t.fail("bytes after the columns");
  if (!t.ok()) return bad(t.fault);

  reader x{sections[TEXT]};
  part.header = x.bytes("the header line");
  if (x.ok() && !part.format && !part.header.empty()) x.fail("a header line without a format");
  if (part.format) {
    if (x.ok() && rows > x.left()) x.fail("more rows of text than the section holds");
    part.text_ends.reserve(x.ok() ? static_cast<size_t>(rows) : 0);
    uint64_t end = 0;
    for (uint64_t r = 0; r < rows && x.ok(); ++r) {
      const uint64_t n = x.var("a row's text");
      if (x.ok() && n > x.left()) x.fail("a row's text past the end of the section");
      end += n;
      part.text_ends.push_back(end);
    }
    if (x.ok() && end != x.left()) x.fail("text that is not the rows'");
    if (x.ok()) part.text.assign(x.s.substr(x.pos));
  } else if (x.left()) {
    x.fail("text without a format");
  }
  if (!x.ok()) return bad(x.fault);
  return part;
}

std::vector<std::string> recount_columns(const std::vector<finished_part>& parts) {
  std::vector<std::string> out;
  if (parts.empty()) return out;
  for (size_t i = 0; i < parts[0].nunique.size(); ++i) {
    count_kinds kinds;
    for (const finished_part& p : parts)
      if (i < p.kinds.size()) kinds.add(p.kinds[i]);
    if (!kinds.stand()) out.push_back(parts[0].nunique[i]);
  }
  return out;
}

result<joined_parts> join_parts(std::vector<finished_part>&& parts, bool want_table) {
  if (parts.empty()) return usage("no finished partition to join");
  const finished_part& first = parts[0];
  std::vector<bool> seen(first.partitions, false);
  for (const finished_part& p : parts) {
    if (p.partitions != first.partitions || p.keys != first.keys || p.nunique != first.nunique ||
        p.format != first.format || p.keys_only != first.keys_only || p.header != first.header || p.table.columns.size() != first.table.columns.size())
      return usage("the finished partitions answer different questions");
    if (want_table && p.keys_only) return usage("the finished partitions kept their key columns alone, not the table");
    for (size_t c = 0; c < p.table.columns.size(); ++c)
      if (p.table.columns[c].name != first.table.columns[c].name || p.table.columns[c].type != first.table.columns[c].type)
        return usage("the finished partitions' column '" + p.table.columns[c].name + "' differs");
    if (seen[p.partition]) return usage("partition " + std::to_string(p.partition) + " appears twice");
    seen[p.partition] = true;
  }
  for (uint32_t r = 0; r < seen.size(); ++r)
    if (!seen[r])
      return usage("partition " + std::to_string(r) + " of " + std::to_string(seen.size()) +
                   " is missing: the summary would lack its groups");
  if (const auto bad = recount_columns(parts); !bad.empty())
    return usage("the distinct counts of '" + bad[0] + "' do not stand: count them again with exact pairs");
  if (first.table.columns.empty()) return usage("the finished partitions hold no columns");

  // Merge the sorted parts: (part, row), smallest key first; ties (none
  // between hash partitions) keep the parts' order.
  joined_parts out;
  for (const finished_part& p : parts) out.rows += p.table.rows();
  std::vector<std::pair<uint32_t, uint32_t>> order;
  order.reserve(out.rows);
  auto later = [&](const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
    const auto &x = parts[a.first].table, &y = parts[b.first].table;
    if (key_less(y, b.second, x, a.second, first.keys)) return true;
    if (key_less(x, a.second, y, b.second, first.keys)) return false;
    return a.first > b.first;
  };
  std::priority_queue<std::pair<uint32_t, uint32_t>, std::vector<std::pair<uint32_t, uint32_t>>, decltype(later)> heads(later);
  for (uint32_t i = 0; i < parts.size(); ++i)
    if (parts[i].table.rows()) heads.push({i, 0});
  while (!heads.empty()) {
    const auto at = heads.top();
    heads.pop();
    order.push_back(at);
    if (at.second + 1 < parts[at.first].table.rows()) heads.push({at.first, at.second + 1});
  }

  if (first.format) {
    out.text = first.header;
    size_t bytes = out.text.size();
    for (const finished_part& p : parts) bytes += p.text.size();
    out.text.reserve(bytes);
    for (const auto& [i, r] : order) {
      const finished_part& p = parts[i];
      const uint64_t from = r ? p.text_ends[r - 1] : 0;
      out.text.append(p.text, static_cast<size_t>(from), static_cast<size_t>(p.text_ends[r] - from));
    }
  }
  if (!want_table) return out;
  out.table.columns.resize(first.table.columns.size());
  for (size_t c = 0; c < out.table.columns.size(); ++c) {
    table::column& col = out.table.columns[c];
    col.name = first.table.columns[c].name;
    col.type = first.table.columns[c].type;
    bool nulls = false;
    for (const finished_part& p : parts) nulls = nulls || !p.table.columns[c].string_null.empty();
    switch (col.type) {
      case table::column_type::int64:
        col.ints.reserve(out.rows);
        for (const auto& [i, r] : order) col.ints.push_back(parts[i].table.columns[c].ints[r]);
        break;
      case table::column_type::float64:
        col.floats.reserve(out.rows);
        for (const auto& [i, r] : order) col.floats.push_back(parts[i].table.columns[c].floats[r]);
        break;
      case table::column_type::string:
        col.strings.reserve(out.rows);
        if (nulls) col.string_null.reserve(out.rows);
        for (const auto& [i, r] : order) {
          table::column& from = parts[i].table.columns[c];
          col.strings.push_back(std::move(from.strings[r]));
          if (nulls) col.string_null.push_back(from.string_null.empty() ? 0 : from.string_null[r]);
        }
        break;
    }
  }
  return out;
}

}  // namespace zeekgraph::agg
