# Sourced by bin/devnet and bin/bench (from the checkout's root): is the build current, and may it be
# rebuilt now.

# the newest of the files given: the build's jars carry the project's version in their names
newest() { local f best=""; for f in "$@"; do if [ -f "$f" ] && { [ -z "$best" ] || [ "$f" -nt "$best" ]; }; then best="$f"; fi; done; echo "$best"; }

# the oldest of the files given (empty when one is missing)
oldest() { local f best=""; for f in "$@"; do [ -f "$f" ] || { echo ""; return; }; if [ -z "$best" ] || [ "$f" -ot "$best" ]; then best="$f"; fi; done; echo "$best"; }

# true when a source or build file is newer than $1. What a build writes (target/: copied resources,
# generated sources) is not a source: a module built after $1 would otherwise ask for a rebuild forever.
sources_newer() {
  [ -n "$(find . \( -name target -o -name node_modules -o -name .git -o -path ./.devnet -o -path ./bench/results \) -prune \
      -o \( -name '*.java' -o -name '*.proto' -o -name '*.yml' -o -name '*.sql' -o -name pom.xml \) -newer "$1" -print -quit 2>/dev/null)" ]
}

# exits when a network from this checkout runs: a rebuild replaces the jars it runs from (the services'
# own, or the launcher beside their AOT copies under target/aot/), and their next class load would fail
refuse_rebuild_while_running() {
  if pgrep -f "$root/[a-z-]*-service/target/[^ ]*\.jar" > /dev/null; then
    echo "$1: the sources changed, but a network from this checkout is running on the current jars;" >&2
    echo "$1: stop it first (or build with mvn -DskipTests package once it has stopped)" >&2
    exit 1
  fi
}
