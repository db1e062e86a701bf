#!/usr/bin/env bash
# Says clearly which prerequisite is missing (Python 3.11+, Java 17+, Maven, Node 20+) before any setup runs.
set -u
missing=0
py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1 || ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "missing prerequisite: Python 3.11 or newer as '$py' (Debian: apt-get install python3 python3-venv)" >&2
  missing=1
fi
if ! command -v java >/dev/null 2>&1; then
  echo "missing prerequisite: Java 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)" >&2
  missing=1
else
  jv=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${jv%%.*}" -lt 17 ] 2>/dev/null; then
    echo "missing prerequisite: Java 17 or newer (found Java $jv)" >&2
    missing=1
  fi
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "missing prerequisite: Maven (Debian: apt-get install maven)" >&2
  missing=1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "missing prerequisite: Node.js 20+ with npm (Debian: apt-get install nodejs npm)" >&2
  missing=1
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ] 2>/dev/null; then
  echo "missing prerequisite: Node.js 20 or newer (found $(node --version))" >&2
  missing=1
fi
exit $missing
