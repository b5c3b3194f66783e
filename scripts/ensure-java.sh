#!/usr/bin/env bash
# Makes sure a JDK and Maven are installed for the local Kafka broker of the Kafka tests
# (server/dev/local-broker.ts runs `mvn` once to copy the broker's jars, then `java`).
set -euo pipefail
if command -v java >/dev/null && command -v mvn >/dev/null; then exit 0; fi
echo "ensure-java: java or mvn is missing, installing Debian's default-jdk-headless and maven packages" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq default-jdk-headless maven >/dev/null
command -v java >/dev/null && command -v mvn >/dev/null || { echo "ensure-java: java or mvn still missing after install" >&2; exit 1; }
