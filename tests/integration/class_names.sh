#!/usr/bin/env bash
# One class per name across the binary (scripts/check_class_names.py): the source tree has no
# class, struct, union or enum with external linkage defined in two files; and the check finds the
# defect it exists for (two classes segcast::internal::Random with different bodies), while
# same-named classes in anonymous namespaces, function bodies or different namespaces pass.
set -euo pipefail
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
check=$root/scripts/check_class_names.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$python" "$check" "$root/include" "$root/src" "$root/tests" > "$work/tree.txt" \
  || fail "the source tree defines a class name twice: $(cat "$work/tree.txt")"
grep -q ", 0 defined in more than one file" "$work/tree.txt" || fail "unexpected report: $(cat "$work/tree.txt")"

mkdir "$work/defect" "$work/clean"
cat > "$work/defect/mersenne.h" <<'CPP'
namespace segcast::internal {
class Random {  // mt19937_64
 public:
  double Uniform() { return 0.25; }
};
}  // namespace segcast::internal
CPP
cat > "$work/defect/xoshiro.h" <<'CPP'
#pragma once
namespace segcast {
namespace internal {
/* a comment with { braces } */
struct Random final : Base<int> {
  double Uniform() { const char* text = "}"; return 0.5; }
};
}  // namespace internal
}  // namespace segcast
CPP
status=0
"$python" "$check" "$work/defect" > "$work/defect.txt" || status=$?
[[ $status == 1 ]] || fail "two definitions of segcast::internal::Random: exit $status, expected 1"
grep -q "^segcast::internal::Random is defined in 2 files: .*mersenne.h:2, .*xoshiro.h:5$" "$work/defect.txt" \
  || fail "report does not name both files and lines: $(cat "$work/defect.txt")"

cat > "$work/clean/a.cc" <<'CPP'
namespace segcast {
namespace {
struct Row { int a; };
}  // namespace
void F() { struct Local { int a; }; }
namespace internal { struct Row { int b; }; }
}  // namespace segcast
CPP
cat > "$work/clean/b.cc" <<'CPP'
namespace segcast {
namespace {
struct Row { double c; };
}  // namespace
void G() { struct Local { double d; }; }
namespace cluster { struct Row { int b; }; }
}  // namespace segcast
CPP
"$python" "$check" "$work/clean" > "$work/clean.txt" || fail "false alarm: $(cat "$work/clean.txt")"
grep -q "^2 class names checked" "$work/clean.txt" || fail "expected 2 names (internal::Row, cluster::Row): $(cat "$work/clean.txt")"
echo "class_names: tree clean; defect found; anonymous, local and distinct-namespace classes pass"
