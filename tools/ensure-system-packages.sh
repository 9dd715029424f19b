#!/usr/bin/env bash
# Installs the Debian packages the build needs when they are missing (as root), or stops
# with the exact command to run. Called by `make test`, `make figures`, `make bench`.
# Success means every package is installed and the commands the repository runs exist
# (gnuplot for the figures, pkg-config for the build), checked again after installing.
set -euo pipefail

# The command a package must provide, for the packages whose command the repository runs.
command_of() {
    case "$1" in
        gnuplot|gnuplot-nox|gnuplot-qt|gnuplot-x11) echo gnuplot ;;
        pkg-config) echo pkg-config ;;
        *) echo "" ;;
    esac
}

# Prints the packages that are not installed, or whose command is not on PATH.
missing_packages() {
    local package command
    for package in "$@"; do
        command="$(command_of "$package")"
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            echo "$package"
        elif [ -n "$command" ] && ! command -v "$command" >/dev/null 2>&1; then
            echo "$package"
        fi
    done
}

mapfile -t missing < <(missing_packages "$@")
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages: ${missing[*]} (this repository expects Debian/Ubuntu's apt-get)" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing system packages: ${missing[*]}" >&2
    echo "run:   sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing missing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# apt-get can succeed without the command appearing (a package held back, a broken alternative):
# check each package and command again and say which one is still missing.
mapfile -t still < <(missing_packages "${missing[@]}")
if [ ${#still[@]} -ne 0 ]; then
    for package in "${still[@]}"; do
        command="$(command_of "$package")"
        if [ -n "$command" ] && dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            echo "error: $package is installed but the command '$command' is not on PATH" >&2
        else
            echo "error: $package is still not installed after apt-get install" >&2
        fi
    done
    exit 1
fi
echo "installed: ${missing[*]}"
