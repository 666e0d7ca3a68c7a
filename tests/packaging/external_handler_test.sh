#!/usr/bin/env bash
# Runs the commands of samples/external-handler/README.md exactly as written there (the indented
# block after "From the repository root"), in a scratch directory that looks like the repository
# root: `build` is this build tree, `samples` the source tree's. The last command must print the
# answer the README promises. Reading the commands from the README keeps the two from drifting.
set -euo pipefail
build=$1 source=$2
readme=$source/samples/external-handler/README.md
root=$(mktemp -d)
trap 'rm -rf "$root"; rm -rf "$build/sdk" "$build/greeting"' EXIT
ln -s "$(cd "$build" && pwd)" "$root/build"
ln -s "$source/samples" "$root/samples"
rm -rf "$build/sdk" "$build/greeting"

# The first block of four-space-indented lines after "From the repository root".
mapfile -t commands < <(awk '/^From the repository root/ {found = 1; next}
  found && /^    / {print substr($0, 5); started = 1; next}
  started {exit}' "$readme")
[ ${#commands[@]} -eq 4 ] || { echo "expected 4 commands in $readme, found ${#commands[@]}"; exit 1; }
expected=$(grep -o 'prints the handler.s answer, `[^`]*`' "$readme" | sed 's/.*`\(.*\)`/\1/')
[ -n "$expected" ] || { echo "the README does not say what the last command prints"; exit 1; }

cd "$root"
for command in "${commands[@]:0:3}"; do
  echo "+ $command"
  bash -euo pipefail -c "$command" >/dev/null
done
echo "+ ${commands[3]}"
out=$(bash -euo pipefail -c "${commands[3]}" 2>/dev/null)
echo "response: $out"
[ "$out" = "$expected" ] || { echo "expected $expected"; exit 1; }
