#!/usr/bin/env bash
# Usage: deep.sh make|enter DIR COMMAND [ARGS...]
# Makes (make) or walks into (enter) 22 nested folders of 200-character names below DIR, a path
# past PATH_MAX (4,400+ bytes) that any user can make, then runs COMMAND in the deepest one.
# Every step is relative: the whole path is longer than any system call accepts. Shared by the
# tests of names fanguardd cannot read; run it as the attacker (setpriv ... bash deep.sh ...).
set -u
what=$1 dir=$2
shift 2
cd "$dir" || exit 1
name=$(printf 'd%.0s' $(seq 200))
for _ in $(seq 22); do
	if [ "$what" = make ]; then mkdir "$name" || exit 1; fi
	cd "$name" || exit 1
done
exec "$@"
