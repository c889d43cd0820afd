#!/usr/bin/env bash
# Boots the rig prepared by prepare.sh under qemu (TCG) and runs one command in the guest, in the project directory
# (shared read-only at /project), with /run/hwtest.env exported (see README.md). Streams the guest's console.
#
#   run.sh [--project DIR] [--timeout SECS] [--out DIR] [--no-summary] [-- guest-command...]
#
# Default command: the project's hwtest suite (framework/hwtest/target, built by ./mvnw package or verify).
# Exits non-zero when the command fails, when its output lacks the line "N passed, N failed" or reports a failure
# (unless --no-summary), when the guest does not finish, or after SECS seconds (qemu is killed). Default 200 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${KDRV_HWTEST_CACHE:-/var/cache/kdrv-hwtest}
PROJECT=$(cd "$HERE/../.." && pwd)
TIMEOUT=200
OUT=
SUMMARY=1
while [ $# -gt 0 ]; do
  case $1 in
    --project) PROJECT=$(cd "$2" && pwd); shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-summary) SUMMARY=0; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "hwtest-run: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "hwtest-run: ERROR: $*" >&2; exit 1; }
[ -f "$CACHE/current" ] || die "no prepared rig in $CACHE: run framework/hwtest/prepare.sh (as root) first"
. "$CACHE/current"
[ -f "$VMLINUX" ] && [ -f "$INITRAMFS" ] || die "the rig in $CACHE is incomplete: run framework/hwtest/prepare.sh"
# Several worktrees may share the cache: boot the initramfs of this revision of guest/init when it was built.
RIG_NOW=$(cat "$HERE/prepare.sh" "$HERE/guest/init" | sha256sum | cut -c1-12)
if [ -f "$(dirname "$VMLINUX")/initramfs-$RIG_NOW.cpio" ]; then
  INITRAMFS=$(dirname "$VMLINUX")/initramfs-$RIG_NOW.cpio
else
  echo "hwtest-run: WARNING: $CACHE was last prepared by another revision of the rig ($RIG_HASH, this one is" \
    "$RIG_NOW): booting $(basename "$INITRAMFS"); run this prepare.sh to boot this revision's guest/init" >&2
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run framework/hwtest/prepare.sh"

if [ -z "$OUT" ]; then
  if [ -d "$PROJECT/framework/hwtest" ]; then OUT=$PROJECT/framework/hwtest/target/vm; else OUT=$(mktemp -d /tmp/kdrv-hwtest.XXXXXX); fi
fi
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# The command the guest's /init runs (sh, in /project, with /run/hwtest.env exported).
# The guest sees the host's /usr, so the JDK must live there.
JAVA=${KDRV_HWTEST_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
case $(readlink -f "$JAVA") in
  /usr/*) [ -x "$JAVA" ] || die "$JAVA missing: the guest runs the host's JDK 25 (set KDRV_HWTEST_JAVA)" ;;
  *) die "$JAVA is not under /usr, which is all the guest sees of the host (set KDRV_HWTEST_JAVA)" ;;
esac
GUEST_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xmx512m --enable-native-access=ALL-UNNAMED"
{
  echo "export HWTEST_JAVA=$JAVA"
  echo "export HWTEST_JAVA_OPTS='$GUEST_JAVA_OPTS'"
  if [ $# -gt 0 ]; then
    printf '%q ' "$@"
    echo
  else
    [ -d "$PROJECT/framework/hwtest/target/guest-lib" ] \
      || die "$PROJECT/framework/hwtest/target/guest-lib missing: build first (./mvnw -B verify, or package -pl framework/hwtest -am)"
    echo 'exec sh framework/hwtest/guest/suite.sh'
  fi
} > "$OUT/cmd.sh"

echo "hwtest-run: booting $KERNEL_RELEASE ($KERNEL_PACKAGE_VERSION), project $PROJECT, timeout ${TIMEOUT}s, output $OUT" >&2
start=$(date +%s)
# qemu under timeout, in the background so that a TERM or INT to this script (e.g. from .ci/run's overall timeout)
# stops qemu too; stdin from /dev/null: the guest needs no input, and qemu must not put a terminal into raw mode.
stop_qemu() { [ -f "$OUT/qemu.pid" ] && kill "$(cat "$OUT/qemu.pid")" 2>/dev/null; true; }
trap 'stop_qemu; exit 130' INT TERM
{
  timeout --kill-after=5 "$TIMEOUT" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -smp 2 -m 2048 -nodefaults -display none -serial stdio -no-reboot \
    -chardev null,id=lpt0 -device isa-parallel,chardev=lpt0 \
    -kernel "$VMLINUX" -initrd "$INITRAMFS" -append "console=ttyS0 quiet panic=-1" \
    -virtfs local,path=/usr,mount_tag=hostusr,security_model=none,readonly=on \
    -virtfs "local,path=$PROJECT,mount_tag=project,security_model=none,readonly=on" \
    -virtfs "local,path=$OUT,mount_tag=hwout,security_model=none" \
    </dev/null 2>&1 &
  echo $! > "$OUT/qemu.pid"
  rc=0
  wait $! || rc=$? # set -e holds in this subshell too
  echo $rc > "$OUT/qemu.rc"
} | tr -d '\r' | tee "$OUT/console.log" &
wait $! || true
trap - INT TERM
qemu_rc=$(cat "$OUT/qemu.rc" 2>/dev/null || echo 255)
secs=$(( $(date +%s) - start ))

if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
  die "TIMEOUT: the guest did not finish within ${TIMEOUT}s (qemu killed); console in $OUT/console.log"
fi
[ "$qemu_rc" = 0 ] || die "qemu exited with $qemu_rc after ${secs}s; console in $OUT/console.log"
grep -q '^hwtest-init: FAILED' "$OUT/console.log" && die "$(grep -m1 '^hwtest-init: FAILED' "$OUT/console.log")"
[ -f "$OUT/rc" ] || die "the guest command did not finish (no $OUT/rc) after ${secs}s"
rc=$(cat "$OUT/rc")
if [ "$SUMMARY" = 1 ]; then
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/console.log" | tail -1 || true)
  [ -n "$summary" ] || die "no 'N passed, N failed' line in the guest's output (command exit $rc)"
  failed=${summary#*, }; failed=${failed% failed}
  passed=${summary% passed*}
  [ "$failed" = 0 ] || die "$summary (VM run ${secs}s)"
  [ "$passed" -gt 0 ] || die "no test ran ($summary)"
fi
[ "$rc" = 0 ] || die "the guest command exited with $rc (VM run ${secs}s)"
echo "hwtest-run: OK${summary:+: $summary} (VM run ${secs}s)" >&2
