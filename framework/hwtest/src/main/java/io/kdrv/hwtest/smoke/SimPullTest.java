package io.kdrv.hwtest.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdrv.hwtest.Rig;
import io.kdrv.hwtest.Rig.SimChip;
import org.junit.jupiter.api.Test;

/** gpio-sim's stimulus works: the pull written to sim_gpioN/pull is the level an unrequested input line has. */
class SimPullTest {
  private static final int LINE = 27; // chip A's last line; no other smoke test uses it

  @Test
  void pullUpAndDownAreVisibleInTheSimValue() {
    SimChip a = Rig.chipA();
    try {
      a.pull(LINE, true);
      assertEquals(1, a.value(LINE), "chip " + a.label() + " line " + LINE + " after pull-up");
      a.pull(LINE, false);
      assertEquals(0, a.value(LINE), "chip " + a.label() + " line " + LINE + " after pull-down");
    } finally {
      a.pull(LINE, false);
    }
  }

  @Test
  void chipBLinesAreIndependentOfChipA() {
    SimChip a = Rig.chipA();
    SimChip b = Rig.chipB();
    try {
      b.pull(0, true);
      assertEquals(1, b.value(0), "chip " + b.label() + " line 0 after pull-up");
      assertEquals(0, a.value(0), "chip " + a.label() + " line 0 must not follow chip " + b.label());
    } finally {
      b.pull(0, false);
    }
  }
}
