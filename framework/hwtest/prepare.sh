#!/usr/bin/env bash
# Prepares the real-kernel VM rig (see README.md): qemu, a Debian 12 kernel with an out-of-tree gpio-sim.ko, and a
# busybox initramfs whose /init (guest/init) sets up gpio-sim and i2c-stub and runs a command from the project.
#
# Idempotent and cached outside the repository in $KDRV_HWTEST_CACHE (default /var/cache/kdrv-hwtest):
#   debs/                          the fetched packages (apt-get download; nothing is installed but qemu)
#   k-<versions>/                  vmlinux, modules, gpio-sim.ko, busybox, gpiod and i2c tools, versions.txt
#   k-<versions>/initramfs-<hash>  the initramfs for one revision of guest/init and this script
#   current -> k-<versions>/rig.env   what run.sh boots
# A second run with an unchanged guest/init and prepare.sh only checks the stamp and exits.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${KDRV_HWTEST_CACHE:-/var/cache/kdrv-hwtest}

# The versions REAL-KERNEL.md verified. When the mirror no longer serves one of them, the newest served version is
# used instead and a WARNING says so (the kernel ABI falls back to the newest linux-image-6.1.0-*-amd64).
KABI_PIN=${KDRV_HWTEST_KABI:-6.1.0-57}
KVER_PIN=6.1.192-3
declare -A PIN=(
  [busybox-static]=1:1.35.0-4+deb12u1+b1
  [gpiod]=1.6.3-1+b3
  [libgpiod2]=1.6.3-1+b3
  [i2c-tools]=4.3-2+b3
  [libi2c0]=4.3-2+b3
)
# Modules the guest loads; their dependencies are added from modules.dep.
GUEST_MODULES="configfs virtio_pci 9pnet_virtio 9p i2c-dev i2c-stub parport_pc spi-lm70llp"

log() { echo "hwtest-prepare: $*" >&2; }
die() { echo "hwtest-prepare: ERROR: $*" >&2; exit 1; }

RIG_HASH=$(cat "$HERE/prepare.sh" "$HERE/guest/init" | sha256sum | cut -c1-12)

# Fast path: a complete rig for this revision of the scripts (no root, no apt needed).
if [ -f "$CACHE/current" ] && grep -qx "RIG_HASH=$RIG_HASH" "$CACHE/current" 2>/dev/null; then
  . "$CACHE/current"
  if [ -f "$VMLINUX" ] && [ -f "$INITRAMFS" ]; then
    log "cached: $KERNEL_RELEASE, $(basename "$INITRAMFS") in $CACHE"
    exit 0
  fi
fi

[ "$(id -u)" = 0 ] || die "preparation needs root (apt-get, $CACHE); run as root once, later runs use the cache"
mkdir -p "$CACHE/debs"
exec 9>"$CACHE/.lock"
flock -w 600 9 || die "another prepare.sh holds $CACHE/.lock for 10 minutes"

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
}
served() { apt-cache show "$1=$2" >/dev/null 2>&1; }
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true; }

# Tools of the host: qemu (installed), a C compiler and make for gpio-sim.ko.
need_install=()
command -v qemu-system-x86_64 >/dev/null || need_install+=(qemu-system-x86)
command -v gcc-12 >/dev/null || need_install+=(gcc-12)
command -v make >/dev/null || need_install+=(make)
command -v xz >/dev/null || need_install+=(xz-utils)
if [ ${#need_install[@]} -gt 0 ]; then
  apt_update_once
  log "installing ${need_install[*]}"
  apt-get install -y -qq --no-install-recommends "${need_install[@]}" >&2 || die "apt-get install ${need_install[*]} failed"
fi

# Resolve the package versions: pinned if served, else the newest served (after one apt-get update).
resolve() { # name pinned-version -> prints the version to fetch
  local name=$1 pin=$2 v
  if served "$name" "$pin"; then echo "$pin"; return; fi
  apt_update_once
  if served "$name" "$pin"; then echo "$pin"; return; fi
  v=$(candidate "$name")
  [ -n "$v" ] || die "package $name is not served by the configured apt sources"
  log "WARNING: $name=$pin is not served; using $name=$v"
  echo "$v"
}
KABI=$KABI_PIN
if ! served "linux-image-$KABI-amd64" "$KVER_PIN" && ! { apt_update_once; served "linux-image-$KABI-amd64" "$KVER_PIN"; }; then
  if [ -z "$(candidate "linux-image-$KABI-amd64")" ]; then
    KABI=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | sed -n 's/^linux-image-\(6\.1\.0-[0-9]*\)-amd64$/\1/p' | sort -V | tail -1)
    [ -n "$KABI" ] || die "no linux-image-6.1.0-*-amd64 is served by the configured apt sources"
    log "WARNING: linux-image-$KABI_PIN-amd64 is not served; using linux-image-$KABI-amd64"
  fi
fi
declare -A VER
VER[linux-image-$KABI-amd64]=$(resolve "linux-image-$KABI-amd64" "$KVER_PIN")
KVER=${VER[linux-image-$KABI-amd64]}
for p in "linux-headers-$KABI-amd64" "linux-headers-$KABI-common" linux-kbuild-6.1 linux-source-6.1; do
  VER[$p]=$(resolve "$p" "$KVER")
done
for p in "${!PIN[@]}"; do VER[$p]=$(resolve "$p" "${PIN[$p]}"); done

VERSIONS=$(for p in "${!VER[@]}"; do echo "$p=${VER[$p]}"; done | sort)
# The stage-1 cache holds the guest's modules too: a new module list is a new cache.
KDIR=$CACHE/k-$KABI-$(printf '%s\n%s\n' "$VERSIONS" "$GUEST_MODULES" | sha256sum | cut -c1-8)
INITRAMFS=$KDIR/initramfs-$RIG_HASH.cpio
log "kernel $KABI ($KVER); cache $KDIR"

deb_of() { # name version -> path of the fetched .deb (apt-get download names it name_version-with-%3a_arch.deb)
  local f
  f=$(ls "$CACHE/debs/$1_$(echo "$2" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -1 || true)
  echo "$f"
}

# --- stage 1: per package versions: fetch, unpack, build gpio-sim.ko, cut vmlinux -----------------------------------
if [ ! -f "$KDIR/done" ]; then
  missing=()
  for p in "${!VER[@]}"; do [ -n "$(deb_of "$p" "${VER[$p]}")" ] || missing+=("$p=${VER[$p]}"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "fetching ${#missing[@]} packages (apt-get download)"
    (cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "${missing[@]}" >&2) \
      || die "apt-get download ${missing[*]} failed"
  fi
  rm -rf "$KDIR.tmp"
  X=$KDIR.tmp/x
  mkdir -p "$X" "$KDIR.tmp/out"
  O=$KDIR.tmp/out
  t0=$SECONDS
  for p in "${!VER[@]}"; do
    case $p in
      linux-source-6.1) ;;
      # of the image only the bzImage, the module lists and the folders of the guest's modules (~400 MB less)
      linux-image-*) dpkg-deb --fsys-tarfile "$(deb_of "$p" "${VER[$p]}")" | tar -x -C "$X" --wildcards \
          './boot/vmlinuz-*' './lib/modules/*/modules.*' './lib/modules/*/kernel/fs/*' './lib/modules/*/kernel/net/9p/*' \
          './lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/i2c/*' \
          './lib/modules/*/kernel/drivers/parport/*' './lib/modules/*/kernel/drivers/spi/*' ;;
      *) dpkg -x "$(deb_of "$p" "${VER[$p]}")" "$X" ;;
    esac
  done
  log "unpacked in $((SECONDS - t0)) s"

  # The kernel: uncompressed vmlinux from the bzImage's xz payload (booted through its PVH entry, ~4.5 s faster).
  BZ=$X/boot/vmlinuz-$KABI-amd64
  [ -f "$BZ" ] || die "$BZ missing in linux-image-$KABI-amd64"
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$BZ" | head -1 | cut -d: -f1 || true)
  [ -n "$off" ] || die "no xz payload in $BZ"
  tail -c +$((off + 1)) "$BZ" | xz -dcq > "$O/vmlinux" 2>/dev/null || true # trailing data after the stream
  [ "$(head -c 4 "$O/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || die "could not cut an ELF vmlinux out of $BZ"

  # gpio-sim.ko out of tree: gpio-sim.c + gpiolib.h + irq_sim.c from linux-source, against the Debian headers.
  log "building gpio-sim.ko"
  SRC_DEB=$(deb_of linux-source-6.1 "${VER[linux-source-6.1]}")
  dpkg-deb --fsys-tarfile "$SRC_DEB" | tar -x -C "$X" ./usr/src/linux-source-6.1.tar.xz
  M=$KDIR.tmp/gpio-sim
  mkdir -p "$M"
  # one pass over the 1 GB tar, stopping once the three files are out
  tar -xJf "$X/usr/src/linux-source-6.1.tar.xz" -C "$M" --strip-components=3 --occurrence=1 \
    linux-source-6.1/drivers/gpio/gpio-sim.c linux-source-6.1/drivers/gpio/gpiolib.h linux-source-6.1/kernel/irq/irq_sim.c
  log "gpio-sim sources out of linux-source-6.1 after $((SECONDS - t0)) s"
  rm -f "$X/usr/src/linux-source-6.1.tar.xz"
  mv "$M/gpio-sim.c" "$M/gpio-sim-main.c"
  # irq_to_desc() is not exported to modules; generic_handle_irq() does the same lookup and call.
  grep -q 'handle_simple_irq(irq_to_desc(' "$M/irq_sim.c" || die "irq_sim.c changed: no handle_simple_irq(irq_to_desc(...))"
  sed -i 's/handle_simple_irq(irq_to_desc(\([^)]*\)))/generic_handle_irq(\1)/' "$M/irq_sim.c"
  printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$M/Kbuild"
  H=$X/usr/src/linux-headers-$KABI-amd64
  # The headers' Makefile includes the -common one by absolute path: point it at the unpacked copy.
  sed -i "s|/usr/src/linux-headers-$KABI-common|$X/usr/src/linux-headers-$KABI-common|g" "$H/Makefile"
  make -s -C "$H" M="$M" CC=gcc-12 HOSTCC=gcc-12 modules >&2 || die "building gpio-sim.ko failed"
  [ -f "$M/gpio-sim.ko" ] || die "gpio-sim.ko was not built"
  log "gpio-sim.ko built after $((SECONDS - t0)) s"

  # Modules for the guest, with their dependencies, uncompressed.
  MODS=$X/lib/modules/$KABI-amd64
  # modules.dep is written at install time, not shipped: busybox writes it for the unpacked folders.
  "$X/bin/busybox" depmod -b "$X" "$KABI-amd64" || die "busybox depmod of $MODS failed"
  mkdir -p "$O/modules/$KABI-amd64/extra"
  cp "$MODS"/modules.builtin "$MODS"/modules.builtin.modinfo "$MODS"/modules.order "$O/modules/$KABI-amd64/"
  closure() { # module names -> relative paths of them and their dependencies
    local m f
    for m in "$@"; do
      f=$(grep -E "(^|/)${m//[-_]/[-_]}\.ko(\.xz)?:" "$MODS/modules.dep" || true)
      if [ -z "$f" ]; then
        grep -qE "/${m//[-_]/[-_]}\.ko" "$MODS/modules.builtin" || die "module $m is neither in modules.dep nor built in"
        continue
      fi
      echo "$f" | tr -d ':' | tr ' ' '\n' | grep .
    done | sort -u
  }
  wanted=$(closure $GUEST_MODULES) || exit 1
  for f in $wanted; do
    mkdir -p "$O/modules/$KABI-amd64/$(dirname "$f")"
    case $f in
      *.xz) xz -dc "$MODS/$f" > "$O/modules/$KABI-amd64/${f%.xz}" ;;
      *) cp "$MODS/$f" "$O/modules/$KABI-amd64/$f" ;;
    esac
  done
  cp "$M/gpio-sim.ko" "$O/modules/$KABI-amd64/extra/"

  # Userland: busybox, the gpiod tools (the C reader floor) and i2c-tools with their libraries.
  mkdir -p "$O/bin" "$O/lib"
  cp "$X/bin/busybox" "$O/bin/"
  for t in gpiodetect gpioinfo gpioget gpioset gpiomon gpiofind i2cdetect i2cget i2cset i2cdump i2ctransfer; do
    cp "$X/usr/bin/$t" "$X/usr/sbin/$t" "$O/bin/" 2>/dev/null || true
    [ -f "$O/bin/$t" ] || die "$t missing in the gpiod / i2c-tools packages"
  done
  cp -a "$X"/usr/lib/x86_64-linux-gnu/libgpiod.so.2* "$X"/usr/lib/x86_64-linux-gnu/libi2c.so.0* "$O/lib/"
  echo "$VERSIONS" > "$O/versions.txt"
  mv "$O" "$KDIR.new"
  rm -rf "$KDIR" "$KDIR.tmp"
  mv "$KDIR.new" "$KDIR"
  touch "$KDIR/done"
fi

# --- stage 2: per revision of guest/init and this script: the initramfs ---------------------------------------------
if [ ! -f "$INITRAMFS" ]; then
  log "building $(basename "$INITRAMFS")"
  R=$KDIR/initramfs.tmp
  rm -rf "$R"
  mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,run,usr,project,out,etc,lib,opt/hwtest/bin,opt/hwtest/lib}
  cp "$KDIR/bin/busybox" "$R/bin/"
  for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
  cp "$KDIR"/bin/gpio* "$KDIR"/bin/i2c* "$R/opt/hwtest/bin/"
  cp -a "$KDIR"/lib/* "$R/opt/hwtest/lib/"
  cp -a "$KDIR/modules" "$R/lib/modules"
  "$R/bin/busybox" depmod -b "$R" "$KABI-amd64" 2>/dev/null || true # -b is not in every busybox: /init re-runs it
  # The host's /usr (JDK, libc) arrives over 9p at /usr; the loader and libraries are found through these links.
  ln -s usr/lib64 "$R/lib64"
  ln -s /usr/lib/x86_64-linux-gnu "$R/lib/x86_64-linux-gnu"
  echo 'root:x:0:0:root:/tmp:/bin/sh' > "$R/etc/passwd"
  echo 'root:x:0:' > "$R/etc/group"
  mknod "$R/dev/console" c 5 1
  mknod "$R/dev/null" c 1 3
  cp "$HERE/guest/init" "$R/init"
  chmod 755 "$R/init"
  (cd "$R" && find . | LC_ALL=C sort | "$R/bin/busybox" cpio -o -H newc > "$INITRAMFS.tmp" 2>/dev/null) \
    || die "busybox cpio could not write the initramfs"
  mv "$INITRAMFS.tmp" "$INITRAMFS"
  rm -rf "$R"
fi

cat > "$CACHE/current.tmp" <<EOF
RIG_HASH=$RIG_HASH
KERNEL_RELEASE=$KABI-amd64
KERNEL_PACKAGE_VERSION=$KVER
VMLINUX=$KDIR/vmlinux
INITRAMFS=$INITRAMFS
EOF
mv "$CACHE/current.tmp" "$CACHE/current"
log "ready in $SECONDS s: $KABI-amd64 ($KVER), $(basename "$INITRAMFS")"
