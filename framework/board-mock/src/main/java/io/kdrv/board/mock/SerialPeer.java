package io.kdrv.board.mock;

import com.pi4j.io.serial.SerialConfig;
import io.kdrv.kthread.Kthread;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The far end of a mock serial port ({@link MockBoard#serialPeer(String)}): a scripted device for tests. What the
 * driver writes is recorded and matched against the script; a matching rule queues its reply for the driver to
 * read. {@link #send} queues unsolicited bytes (a GPS sentence, a sensor that streams).
 *
 * <h2>Script</h2>
 * {@link #expect(byte[], byte[])} adds a rule used once, {@link #always(byte[], byte[])} one used every time. After
 * each write the bytes not yet matched are compared with the rules in the order they were added: the first rule
 * whose request they start with consumes those bytes and queues its reply. Bytes that cannot become any rule's
 * request are moved to {@link #unexpected()}, so a driver sending the wrong command is visible to the test.
 *
 * <h2>Reads</h2>
 * A driver's {@code read(buf, off, len)} waits up to the node's {@code read-timeout-ms} for the first byte and
 * returns what is queued (up to {@code len}), 0 on timeout; it returns early when the calling kthread is asked to
 * stop. Thread-safe.
 */
public final class SerialPeer {
    /** One direction of traffic: {@code toPeer} true for bytes the driver wrote. */
    public record Traffic(boolean toPeer, byte[] bytes, long nanoTime) {
        @Override
        public String toString() {
            return (toPeer ? "driver->peer " : "peer->driver ") + HexFormat.ofDelimiter(" ").formatHex(bytes);
        }
    }

    private record Rule(byte[] request, byte[] reply, boolean always) {
    }

    private static final long SLICE_NANOS = 20_000_000L; // how often a waiting read looks at kthread stop

    private final String path;
    private final List<Rule> rules = new ArrayList<>();          // guarded by this
    private final ArrayDeque<Byte> toDriver = new ArrayDeque<>();    // guarded by this
    private byte[] pending = new byte[0];                         // written, not yet matched; guarded by this
    private final SimLog<Traffic> traffic = new SimLog<>();      // guarded by this
    private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream(); // guarded by this
    private final java.io.ByteArrayOutputStream unexpected = new java.io.ByteArrayOutputStream(); // guarded by this
    private SerialConfig config;                                  // of the open port; guarded by this
    private int opens;                                            // guarded by this
    private boolean open;                                         // guarded by this

    SerialPeer(String path) {
        this.path = path;
    }

    /** @return the device path this peer sits on */
    public String path() {
        return path;
    }

    // ---------------------------------------------------------------------------------------- script

    /** Adds a rule used once: when the driver has written {@code request}, {@code reply} is queued for it. */
    public synchronized SerialPeer expect(byte[] request, byte[] reply) {
        return add(request, reply, false);
    }

    /** {@link #expect(byte[], byte[])} with UTF-8 text. */
    public SerialPeer expect(String request, String reply) {
        return expect(request.getBytes(StandardCharsets.UTF_8), reply.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a rule used every time {@code request} is written. */
    public synchronized SerialPeer always(byte[] request, byte[] reply) {
        return add(request, reply, true);
    }

    /** {@link #always(byte[], byte[])} with UTF-8 text. */
    public SerialPeer always(String request, String reply) {
        return always(request.getBytes(StandardCharsets.UTF_8), reply.getBytes(StandardCharsets.UTF_8));
    }

    private SerialPeer add(byte[] request, byte[] reply, boolean always) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reply, "reply");
        if (request.length == 0) {
            throw new IllegalArgumentException("mock serial " + path + ": a rule needs a non-empty request");
        }
        rules.add(new Rule(request.clone(), reply.clone(), always));
        return this;
    }

    /** Queues {@code bytes} for the driver to read, as if the device sent them now. */
    public void send(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        synchronized (this) {
            queue(bytes);
        }
    }

    /** {@link #send(byte[])} with UTF-8 text. */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return rules used once that have not matched yet */
    public synchronized int pendingRules() {
        return (int) rules.stream().filter(r -> !r.always()).count();
    }

    // ---------------------------------------------------------------------------------------- record

    /** @return every byte the driver wrote, in order */
    public synchronized byte[] received() {
        return received.toByteArray();
    }

    /** @return bytes the driver wrote that matched no rule */
    public synchronized byte[] unexpected() {
        return unexpected.toByteArray();
    }

    /**
     * @return both directions, in order, each write or queued reply one entry: the last
     *         {@value SimLog#DEFAULT_CAPACITY}
     */
    public synchronized List<Traffic> traffic() {
        return traffic.snapshot();
    }

    /** @return bytes queued for the driver and not read yet */
    public synchronized int queued() {
        return toDriver.size();
    }

    /** @return whether a driver has the port open now */
    public synchronized boolean isOpen() {
        return open;
    }

    /** @return how many times the port was opened */
    public synchronized int opens() {
        return opens;
    }

    /** @return the configuration (baud, framing) of the last open, empty if never opened */
    public synchronized Optional<SerialConfig> config() {
        return Optional.ofNullable(config);
    }

    /**
     * Waits until the driver has written at least {@code count} bytes in total.
     *
     * @return true when it has, false on timeout
     */
    public synchronized boolean awaitReceived(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "SerialPeer[" + path + (open ? ", open" : "") + ", " + rules.size() + " rules, " + toDriver.size()
                + " queued]";
    }

    // ---------------------------------------------------------------------------------------- port side

    /** This peer as the mock port sees it. */
    io.kdrv.board.mock.internal.SimSerial.Far far() {
        return new io.kdrv.board.mock.internal.SimSerial.Far() {
            @Override
            public void opened(SerialConfig cfg) {
                SerialPeer.this.opened(cfg);
            }

            @Override
            public void closed() {
                SerialPeer.this.closed();
            }

            @Override
            public void fromDriver(byte[] data, int off, int len) {
                SerialPeer.this.fromDriver(data, off, len);
            }

            @Override
            public int toDriver(byte[] buf, int off, int len, Duration timeout) {
                return SerialPeer.this.toDriver(buf, off, len, timeout);
            }

            @Override
            public int queued() {
                return SerialPeer.this.queued();
            }
        };
    }

    /** The mock port was opened with {@code cfg}. */
    synchronized void opened(SerialConfig cfg) {
        if (open) {
            throw new IllegalStateException("mock serial " + path + " is already open");
        }
        open = true;
        opens++;
        config = cfg;
    }

    synchronized void closed() {
        open = false;
        notifyAll();
    }

    /** The driver wrote {@code data[off .. off+len)}. */
    synchronized void fromDriver(byte[] data, int off, int len) {
        byte[] b = Arrays.copyOfRange(data, off, off + len);
        traffic.add(new Traffic(true, b, System.nanoTime()));
        received.writeBytes(b);
        byte[] all = new byte[pending.length + b.length];
        System.arraycopy(pending, 0, all, 0, pending.length);
        System.arraycopy(b, 0, all, pending.length, b.length);
        pending = all;
        match();
        notifyAll();
    }

    private void match() { // caller holds this
        boolean progress = true;
        while (progress && pending.length > 0) {
            progress = false;
            for (int i = 0; i < rules.size(); i++) {
                Rule r = rules.get(i);
                if (startsWith(pending, r.request())) {
                    pending = Arrays.copyOfRange(pending, r.request().length, pending.length);
                    if (!r.always()) {
                        rules.remove(i);
                    }
                    if (r.reply().length > 0) {
                        queue(r.reply());
                    }
                    progress = true;
                    break;
                }
            }
            if (!progress && rules.stream().noneMatch(r -> startsWith(r.request(), pending))) {
                // No rule can still complete: drop one byte at a time, so a match later in the stream is found.
                unexpected.write(pending[0]);
                pending = Arrays.copyOfRange(pending, 1, pending.length);
                progress = true;
            }
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    private void queue(byte[] bytes) { // caller holds this
        traffic.add(new Traffic(false, bytes.clone(), System.nanoTime()));
        for (byte x : bytes) {
            toDriver.add(x);
        }
        notifyAll();
    }

    /**
     * The driver reads: waits up to {@code timeout} for a first byte (returns early when the port closes or the
     * calling kthread should stop), then takes what is queued, up to {@code len}.
     *
     * @return bytes read, 0 on timeout
     */
    synchronized int toDriver(byte[] buf, int off, int len, Duration timeout) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0) {
            return 0;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (toDriver.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !open || Kthread.shouldStop()) {
                return 0;
            }
            try {
                wait(Math.max(1, Math.min(left, SLICE_NANOS) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        int n = 0;
        while (n < len && !toDriver.isEmpty()) {
            buf[off + n++] = toDriver.poll();
        }
        return n;
    }
}
