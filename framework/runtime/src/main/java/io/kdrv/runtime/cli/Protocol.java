package io.kdrv.runtime.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The control socket's line protocol, shared by the server (io.kdrv.runtime.internal.ControlSocket) and the CLI client.
 *
 * <p>Request: one line, fields separated by TAB (tabs and newlines inside a field are escaped as {@code \t},
 * {@code \n}, {@code \\}): the verb ({@code exec}, {@code events}, {@code deploy}) and its arguments. A deploy
 * request is followed by exactly the announced number of file bytes. Response: lines starting with {@code o } (stdout
 * text), {@code e } (stderr text), and a final {@code x <exit code>}; a follow ({@code events}) ends when the client
 * closes the connection.
 */
public final class Protocol {
    public static final String EXEC = "exec", EVENTS = "events", DEPLOY = "deploy";

    private Protocol() {
    }

    public static String encode(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (!sb.isEmpty()) {
                sb.append('\t');
            }
            sb.append(f.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"));
        }
        return sb.append('\n').toString();
    }

    public static List<String> decode(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                cur.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }
}
