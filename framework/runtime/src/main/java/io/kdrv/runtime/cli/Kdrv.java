package io.kdrv.runtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code kdrv} command line client: talks to a running kdrv over its control socket (see
 * io.kdrv.runtime.internal.ControlSocket). Socket: {@code -s PATH}, else {@code $KDRV_SOCKET}, else
 * {@code /run/kdrv/kdrv.sock} when it exists, else {@code ./kdrv-state/kdrv.sock} (the demo's default).
 * Exit code: the command's (0 ok, 1 failed), 2 for a usage error or an unreachable kdrv.
 */
public final class Kdrv {
    static final String USAGE = """
            usage: kdrv [-s SOCKET] COMMAND [ARGS]
              ps                       kthreads (like ps ax)
              devices | drivers | deferred
              bind DEVICE [DRIVER]     bind and wait for the probe result
              unbind DEVICE            remove the driver, wait until released
              gpio list | gpio set LINE 0|1 | gpio pulse LINE
              readings                 each device's latest event
              events                   follow kdrv events live (Ctrl-C ends)
              deploy FILE              copy a driver bundle (.jar) or a node (.config) into deploy/ and wait
              help [COMMAND]           every Gogo command; any other Gogo command line is passed through""";

    /** Subcommand -> Gogo command, with the accepted argument counts. */
    private record Cmd(String gogo, int min, int max, String args) {
    }

    private static final Map<String, Cmd> COMMANDS = Map.of(
            "ps", new Cmd("kthread:ps", 0, 0, ""),
            "devices", new Cmd("kdrv:devices", 0, 0, ""),
            "drivers", new Cmd("kdrv:drivers", 0, 0, ""),
            "deferred", new Cmd("kdrv:deferred", 0, 0, ""),
            "readings", new Cmd("kdrv:readings", 0, 0, ""),
            "bind", new Cmd("kdrv:bind", 1, 2, "DEVICE [DRIVER] (see kdrv devices, kdrv drivers)"),
            "unbind", new Cmd("kdrv:unbind", 1, 1, "DEVICE (see kdrv devices)"));
    private static final Map<String, int[]> GPIO = Map.of("list", new int[] {0, 0}, "set", new int[] {2, 2},
            "pulse", new int[] {1, 1});

    private Kdrv() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] argv) {
        List<String> args = new ArrayList<>(List.of(argv));
        Path socket = null;
        if (args.size() >= 2 && (args.get(0).equals("-s") || args.get(0).equals("--socket"))) {
            socket = Path.of(args.get(1));
            args = args.subList(2, args.size());
        }
        if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
            System.out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        if (socket == null) {
            socket = defaultSocket();
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        List<String> request = new ArrayList<>();
        Path deployFile = null;
        Cmd cmd = COMMANDS.get(sub);
        if (cmd != null) {
            if (rest.size() < cmd.min || rest.size() > cmd.max) {
                return usage("kdrv " + sub + ": " + (cmd.max == 0 ? "takes no arguments"
                        : "expects " + cmd.args + ", got " + rest.size() + " argument(s)"));
            }
            request.add(Protocol.EXEC);
            request.add(cmd.gogo);
            request.addAll(rest);
        } else if (sub.equals("gpio")) {
            int[] n = rest.isEmpty() ? null : GPIO.get(rest.get(0));
            if (n == null) {
                return usage("kdrv gpio: expects list, set LINE 0|1 or pulse LINE");
            }
            if (rest.size() - 1 < n[0] || rest.size() - 1 > n[1]) {
                return usage("kdrv gpio " + rest.get(0) + ": expects " + (rest.get(0).equals("set") ? "LINE 0|1"
                        : "LINE") + ", got " + (rest.size() - 1) + " argument(s)");
            }
            request.add(Protocol.EXEC);
            request.add("gpio:" + rest.get(0));
            request.addAll(rest.subList(1, rest.size()));
        } else if (sub.equals("events")) {
            if (!rest.isEmpty()) {
                return usage("kdrv events: takes no arguments");
            }
            request.add(Protocol.EVENTS);
        } else if (sub.equals("deploy")) {
            if (rest.size() != 1) {
                return usage("kdrv deploy: expects one FILE (a driver bundle .jar or a kdrv.device-NAME.config)");
            }
            deployFile = Path.of(rest.get(0));
            if (!Files.isRegularFile(deployFile)) {
                return usage("kdrv deploy: no such file: " + deployFile);
            }
            try {
                request.addAll(List.of(Protocol.DEPLOY, deployFile.getFileName().toString(),
                        Long.toString(Files.size(deployFile))));
            } catch (IOException e) {
                return usage("kdrv deploy: cannot read " + deployFile + ": " + e.getMessage());
            }
        } else {
            request.add(Protocol.EXEC); // any Gogo command line: lb, help, kdrv:bind ..., scope:function ...
            request.addAll(args);
        }
        return send(socket, request, deployFile);
    }

    static Path defaultSocket() {
        String env = System.getenv("KDRV_SOCKET");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path service = Path.of("/run/kdrv/kdrv.sock");
        return Files.exists(service) ? service : Path.of("kdrv-state", "kdrv.sock").toAbsolutePath();
    }

    private static int usage(String problem) {
        System.err.println(problem);
        return 2;
    }

    private static int send(Path socket, List<String> request, Path deployFile) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(Protocol.encode(request).getBytes(StandardCharsets.UTF_8));
            if (deployFile != null) {
                try (InputStream f = Files.newInputStream(deployFile)) {
                    f.transferTo(out);
                }
            }
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("x ")) {
                    return Integer.parseInt(line.substring(2).strip());
                }
                String text = line.length() > 2 ? line.substring(2) : "";
                if (line.startsWith("e ")) {
                    System.err.println(text);
                } else {
                    System.out.println(text);
                }
            }
            System.err.println("kdrv: the connection to " + socket + " closed before an answer");
            return 1;
        } catch (AccessDeniedException e) {
            return usage("kdrv: cannot reach kdrv at " + socket + ": permission denied (join group kdrv: "
                    + "sudo usermod -aG kdrv $USER, then log in again)");
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (why.contains("ermission denied")) {
                return usage("kdrv: cannot reach kdrv at " + socket + ": permission denied (join group kdrv: "
                        + "sudo usermod -aG kdrv $USER, then log in again)");
            }
            return usage("kdrv: cannot reach kdrv at " + socket + ": " + why
                    + " (is it running? systemctl status kdrv; or pass -s SOCKET / set KDRV_SOCKET)");
        }
    }
}
