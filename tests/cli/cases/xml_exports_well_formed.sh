# GEXF, GraphML and SVG stay well-formed XML whatever bytes a log holds:
# markup, control bytes, bytes outside UTF-8, and legend labels cut inside
# a multi-byte character.
{
  cat "$ZG_DATA/../cli/zeek_header.txt"
  printf '1.0\tC1\t<a&"b\x27>\t1\t10.0.0.2\t80\ttcp\t-\t1.0\t1\t1\tS\xff\xfe\x01\tF\t0\tS\t1\t1\t1\t1\t(empty)\n'
  printf '2.0\tC2\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t1.0\t1\t1\t\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\tF\t0\tS\t1\t1\t1\t1\t(empty)\n'
} >odd.log
"$ZG" graph odd.log -q --no-progress --iterations 10 --svg g.svg --gexf g.gexf --graphml g.graphml
echo "graph: exit $?"
python3 - <<'PY'
import xml.dom.minidom
for f in ("g.svg", "g.gexf", "g.graphml"):
    doc = xml.dom.minidom.parse(f)
    print(f, "parses:", doc.documentElement.tagName)
PY
