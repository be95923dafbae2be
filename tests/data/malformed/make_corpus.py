#!/usr/bin/python3
"""Writes the malformed-input corpus into this directory (deterministic).
The files are committed; run this again only to change the corpus.
Each file is one case for tests/cli/cases/malformed_*.sh."""
import gzip
import io
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
          "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "missed_bytes",
          "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"]
TYPES = ["time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count",
         "count", "string", "bool", "count", "string", "count", "count", "count", "count", "set[string]"]


def header(fields=FIELDS, types=TYPES, sep="\t", unset="-", close=False):
    s = "#separator " + "".join("\\x%02x" % ord(c) for c in sep) + "\n"
    s += f"#set_separator{sep},\n#empty_field{sep}(empty)\n#unset_field{sep}{unset}\n#path{sep}conn\n"
    s += f"#open{sep}2024-01-01-00-00-00\n"
    s += "#fields" + sep + sep.join(fields) + "\n"
    if types is not None:
        s += "#types" + sep + sep.join(types) + "\n"
    return s


def row(i, orig="10.0.0.1", resp="10.0.0.2", state="SF", dur="0.5", ob="100", rb="200", port="80",
        sep="\t", ts=None):
    ts = ts or "%d.%06d" % (1700000000 + i, i)
    vals = [ts, "C%017d" % i, orig, "1234", resp, port, "tcp", "http", dur, ob, rb, state, "-", "0",
            "ShADF", "3", "300", "3", "400", "(empty)"]
    return sep.join(vals) + "\n"


def rows(n, **kw):
    return "".join(row(i, **kw) for i in range(n))


CLOSE = "#close\t2024-01-01-01-00-00\n"


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(HERE, name), mode) as f:
        f.write(data)


def gz(data):
    return gzip.compress(data.encode() if isinstance(data, str) else data, mtime=0)


def main():
    good = header() + rows(50) + CLOSE
    write("empty.log", "")
    write("header_only.log", header() + CLOSE)
    write("header_no_close.log", header())
    write("missing_close.log", header() + rows(20))
    write("cut_mid_field.log", header() + rows(20) + row(20)[:31])
    z = gz(header() + rows(3000) + CLOSE)
    write("cut_mid_stream.log.gz", z[: len(z) // 2])
    write("gzip_trailing_garbage.log.gz", gz(good) + b"this is not gzip\n")
    write("gzip_concatenated.log.gz", gz(header() + rows(10)) + gz(rows(10) + CLOSE))
    write("not_gzip_named.log.gz", good)
    bad = bytearray(gz(header() + rows(3000) + CLOSE))
    for i in range(400, 480):
        bad[i] ^= 0x55
    write("gzip_corrupt.log.gz", bytes(bad))
    write("gzip_header_only.log.gz", gz(good)[:10])
    write("nul_bytes.log", header() + rows(5) + "1700000099.0\tCX\t10.0.0.1\x00\x00\x00\t1\n" + rows(5) + CLOSE)
    write("invalid_utf8.log", (header() + rows(3)).encode() + row(3, orig="10.0.0.\xff").encode("latin-1") + CLOSE.encode())
    write("crlf.log", (header() + rows(10) + CLOSE).replace("\n", "\r\n"))
    write("too_few_fields.log", header() + rows(5) + "1700000000.0\tCshort\t10.0.0.1\n" + rows(5) + CLOSE)
    write("too_many_fields.log", header() + rows(5) + row(9).rstrip("\n") + "\textra\n" + CLOSE)
    write("bad_number_bytes.log", header() + rows(5) + row(5, ob="12abc") + CLOSE)
    write("bad_number_duration.log", header() + rows(5) + row(5, dur="1.2.3") + row(6, dur="0x10") + CLOSE)
    write("negative_and_exponent_numbers.log", header() + row(0, ob="-5") + row(1, dur="1e-3") + row(2, rb="+7") + CLOSE)
    write("huge_number.log", header() + row(0, ob="99999999999999999999") + row(1, ob="5") + CLOSE)
    write("bad_port.log", header() + row(0, port="http") + row(1, port="80") + CLOSE)
    write("port_out_of_range.log", header() + row(0, port="70000") + row(1, port="-1") + CLOSE)
    write("ipv6_zone_and_mapped.log", header() + row(0, orig="fe80::1%eth0", resp="ff02::1") +
          row(1, orig="::ffff:192.168.0.1", resp="2001:db8::1") + CLOSE)
    write("bad_ips.log", header() + row(0, orig="999.1.1.1") + row(1, orig="not-an-ip") + row(2, orig="") + CLOSE)
    write("fields_types_mismatch.log", header(types=TYPES[:-3]) + rows(5) + CLOSE)
    write("schema_switch.log", header() + rows(5) + "#fields\tconn_state\tid.resp_h\tid.orig_h\tts\tuid\tid.resp_p\tduration\torig_bytes\tresp_bytes\n" +
          "SF\t10.0.0.9\t10.0.0.8\t1700000100.0\tCz\t443\t1.0\t10\t20\n" + CLOSE)
    write("schema_switch_missing_field.log", header() + rows(5) + "#fields\tts\tuid\tid.orig_h\n1.0\tCa\t10.0.0.1\n" + CLOSE)
    j = '{"ts":1700000000.5,"uid":"C1","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","id.resp_p":80,"conn_state":"SF","duration":0.5,"orig_bytes":10,"resp_bytes":20}\n'
    write("json_broken_lines.json", j + '{"ts":1700000001.5,"uid":"C2",\n' + "not json at all\n" + '{"ts":}\n' + j)
    write("json_wrong_types.json", j + j.replace('"orig_bytes":10', '"orig_bytes":"abc"') +
          j.replace('"duration":0.5', '"duration":true') + j.replace('"conn_state":"SF"', '"conn_state":{"x":1}'))
    write("json_nested.json", '{"ts":1.0,"uid":"C1","id":{"orig_h":"10.0.0.1","orig_p":1,"resp_h":"10.0.0.2","resp_p":80},"conn_state":"S0"}\n' +
          '{"ts":2.0,"uid":"C2","id":{"orig_h":"10.0.0.1","resp_h":{"deep":"x"}},"conn_state":"S0"}\n')
    write("json_array_line.json", j + "[1,2,3]\n" + j)
    write("json_null_values.json", j.replace('"duration":0.5', '"duration":null') + j.replace('"conn_state":"SF"', '"conn_state":null'))
    write("blank_lines.log", header() + rows(3) + "\n\n" + rows(3) + CLOSE)
    write("only_garbage.log", bytes(range(256)) * 4)
    write("custom_unset_marker.log", header(unset="NIL") + rows(3).replace("\t-\t", "\tNIL\t") + row(3, dur="NIL", ob="NIL", rb="NIL").replace("\t-\t", "\tNIL\t") + CLOSE)
    write("comma_separator.log", header(sep=",") + rows(5, sep=",").replace("(empty)", "(empty)") + "#close,2024\n")
    write("escaped_keys.log", header() + row(0, orig="10.0.0.\\x2d") + row(1, orig="a\\\\b") + row(2, state="\\x53F") + CLOSE)
    write("null_keys.log", header() + row(0, state="-") + row(1, orig="-") + row(2, resp="-") + rows(2) + CLOSE)
    write("headerless_wrong_columns.log", "".join(row(i).rstrip("\n") + "\textra\n" for i in range(3)) + rows(3))
    write("pre20_header.log", "# " + "\t".join(FIELDS[:15]) + "\n" + "".join("\t".join(row(i).split("\t")[:15]) + "\n" for i in range(5)))
    write("json_then_tsv.log", j + rows(3))
    write("utf8_bom.log", "\ufeff" + good)
    write("ts_canonified.log", header() + rows(3, ts="XXXXXXXXXX.XXXXXX") + CLOSE)
    write("many_bad_lines.log", header() + "".join("garbage %d\n" % i for i in range(1000)) + rows(5) + CLOSE)


if __name__ == "__main__":
    main()
