package io.kdrv.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void padsColumnsToTheWidestCellAndRightAlignsMarkedOnes() {
        String out = new Table("NAME", ">N", "NOTE").row("a", 7, "x").row("longer", 1234, null).render();
        assertEquals("""
                NAME      N NOTE
                a         7 x
                longer 1234 -""", out);
    }

    @Test
    void neverLeavesTrailingBlanks() {
        String out = new Table("A", "B").row("x", "").row("yy", "z").render();
        for (String line : out.split("\n")) {
            assertEquals(line.stripTrailing(), line);
        }
    }

    @Test
    void multiLineCellsAreFlattened() {
        String out = new Table("A", "MSG").row("dev", "first\nsecond\tthird").render();
        assertEquals("A   MSG\ndev first second third", out);
    }

    @Test
    void rowWithWrongCellCountIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("x"));
        assertEquals("row has 1 cells, table has 2 columns", e.getMessage());
    }

    @Test
    void headerOnlyWhenEmpty() {
        assertEquals("A B", new Table("A", "B").render());
    }
}
