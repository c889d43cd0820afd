package io.kdrv.web.itest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client over a socket: the tests need full control of the headers a browser or an attacker would
 * send (Host, Origin, Sec-Fetch-Site, a Content-Length that lies), which java.net.http forbids setting.
 * One request per connection ({@code Connection: close}); every read has a 10 s socket timeout.
 */
final class Http {
    record Response(int status, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final InetAddress address;
    private final int port;

    Http(InetAddress address, int port) {
        this.address = address;
        this.port = port;
    }

    int port() {
        return port;
    }

    Response get(String path, String... headers) throws IOException {
        return send("GET", path, null, null, headers);
    }

    Response postJson(String path, String json, String... headers) throws IOException {
        return send("POST", path, "application/json", json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                headers);
    }

    /**
     * Sends one request. {@code headers} are name, value pairs; a "Host" among them replaces the default
     * (address:port), a "Content-Length" replaces the body's real length, and "Transfer-Encoding: chunked" sends the body in chunks
     * without a length.
     */
    Response send(String method, String path, String contentType, byte[] body, String... headers) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 10_000);
            s.setSoTimeout(10_000);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", hostHeader());
            if (contentType != null) {
                h.put("Content-Type", contentType);
            }
            h.put("Content-Length", Integer.toString(body == null ? 0 : body.length));
            h.put("Connection", "close");
            for (int i = 0; i < headers.length; i += 2) {
                h.put(headers[i], headers[i + 1]);
            }
            boolean chunked = "chunked".equals(h.get("Transfer-Encoding"));
            if (chunked) {
                h.remove("Content-Length"); // a streamed upload: the server learns the size only by reading it
                body = chunk(body == null ? new byte[0] : body);
            }
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                if (body != null) {
                    out.write(body);
                }
                out.flush();
                s.shutdownOutput();
            } catch (IOException refusedEarly) {
                // the server may answer (413) and close before it read the whole body: read that answer
            }
            return read(s.getInputStream());
        }
    }

    private static byte[] chunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        for (int off = 0; off < body.length; off += 8192) {
            int n = Math.min(8192, body.length - off);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, off, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    String hostHeader() {
        String a = address.getHostAddress();
        return (a.contains(":") ? "[" + a + "]" : a) + ":" + port;
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no HTTP response head in: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Response(status, headers, body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < body.length()) {
            int eol = body.indexOf("\r\n", pos);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(pos, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            pos = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
