#!/bin/sh
# run.sh's default guest command: every test of the hwtest jar in one JVM (GuestMain prints "N passed, N failed").
# Runs in /project with /run/hwtest.env exported; arguments go to GuestMain (-p package, -c class, -m class#method).
T=framework/hwtest/target
jar=$(ls $T/kdrv-hwtest-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1)
[ -n "$jar" ] || { echo "suite.sh: no $T/kdrv-hwtest-*.jar: build the project first"; exit 1; }
exec "$HWTEST_JAVA" $HWTEST_JAVA_OPTS -Djava.io.tmpdir=/tmp -cp "$jar:$T/guest-lib/*" io.kdrv.hwtest.GuestMain "$@"
