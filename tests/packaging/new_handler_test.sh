#!/usr/bin/env bash
# `sluice new handler NAME --lang c|cpp` from an installed sluice writes a project whose one
# command (NAME/test.sh) builds it against the installed handler SDK and passes its test; a
# handler whose answer is changed fails that test.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
cmake --install "$build" --prefix "$stage" >/dev/null
for lang in c cpp; do
  name=greeter_$lang
  "$stage/bin/sluice" new handler "$name" --lang "$lang" --dir "$work"
  "$work/$name/test.sh" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; echo "FAIL $lang: test.sh"; exit 1; }
  grep -q "100% tests passed" "$work/$name.log" || { cat "$work/$name.log"; echo "FAIL $lang: no test ran"; exit 1; }
  echo "ok   $lang project builds and passes its test"
  # The test checks the answer: break the handler and it must fail.
  source=$(ls "$work/$name"/handler.*)
  sed -i 's/"received/"changed/' "$source"
  if "$work/$name/test.sh" > "$work/$name.broken.log" 2>&1; then
    echo "FAIL $lang: a broken handler passed its test"; exit 1
  fi
  echo "ok   $lang project's test fails for a wrong answer"
done
if "$stage/bin/sluice" new handler "$name" --dir "$work" 2> "$work/exists.txt"; then
  echo "FAIL an existing project was overwritten"; exit 1
fi
grep -q "already exists" "$work/exists.txt" || { echo "FAIL no reason given for an existing directory"; exit 1; }
echo "ok   an existing directory is refused"
if "$stage/bin/sluice" new handler 9lives --dir "$work" 2> "$work/badname.txt"; then
  echo "FAIL a bad NAME was accepted"; exit 1
fi
grep -q "NAME must start with a letter" "$work/badname.txt" || { echo "FAIL a bad NAME without the rule"; exit 1; }
echo "ok   a bad NAME is refused with the rule"
