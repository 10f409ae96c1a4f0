# Sourced by the lb scripts: finds a JDK >= $MIN_JAVA and exports JAVA_HOME, or explains what to
# install and exits 1. Looks at JAVA_HOME, then java on PATH, then the usual install folders.

MIN_JAVA=${MIN_JAVA:-21}

# Major version of the JDK at $1 (a JDK home), from its `release` file; 0 if unknown.
jdk_major() {
  local home=$1 v=""
  [ -x "$home/bin/java" ] || { echo 0; return; }
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  fi
  v=${v#1.}
  v=${v%%[.+-]*}
  [[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

find_jdk() {
  local c best="" best_v=0 v
  # 1. JAVA_HOME, if new enough.
  if [ -n "${JAVA_HOME:-}" ] && [ "$(jdk_major "$JAVA_HOME")" -ge $MIN_JAVA ]; then
    echo "$JAVA_HOME"; return
  fi
  # 2. java on PATH.
  if c=$(command -v java 2>/dev/null); then
    c=$(readlink -f "$c" 2>/dev/null || echo "$c")
    c=$(dirname "$(dirname "$c")")
    if [ "$(jdk_major "$c")" -ge $MIN_JAVA ]; then echo "$c"; return; fi
  fi
  # 3. The usual install folders; the newest wins.
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/* "$HOME"/.asdf/installs/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
           /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home; do
    [ -d "$c" ] || continue
    v=$(jdk_major "$c")
    if [ "$v" -ge $MIN_JAVA ] && [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
  done
  [ -n "$best" ] && echo "$best"
}

java_home=$(find_jdk) || true
if [ -z "${java_home:-}" ]; then
  cat >&2 <<MSG
${LB_SCRIPT:-lb}: needs a Java Development Kit, version $MIN_JAVA or newer, and found none
    (looked at JAVA_HOME, java on PATH, /usr/lib/jvm, /opt/java, ~/.sdkman, ~/.jdks).
    Install one, for example:
      Debian/Ubuntu:  sudo apt-get install -y openjdk-21-jdk   (or temurin-21-jdk)
      macOS:          brew install openjdk@21
      any system:     sdk install java 21-tem   (https://sdkman.io)
    or point JAVA_HOME at an existing JDK $MIN_JAVA+.
MSG
  exit 1
fi
export JAVA_HOME=$java_home
