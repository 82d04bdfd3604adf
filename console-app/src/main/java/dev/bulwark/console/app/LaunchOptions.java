package dev.bulwark.console.app;

import dev.bulwark.console.client.EngineAddress;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line: which engine to connect to first, and the theme.
 *
 * @param address the engine named on the command line, null to use the last one (or the default socket)
 * @param theme the theme named on the command line, null to use the remembered one
 * @param help whether usage was asked for
 */
public record LaunchOptions(EngineAddress address, Theme theme, boolean help) {
    public static final String USAGE = """
            Usage: bulwark console [--data DIR | --socket PATH | --connect HOST:PORT [--ca FILE] [--token-file FILE]]
                                   [--theme light|dark]
              --data DIR         the engine's data directory; connects to DIR/bulwark.sock
              --socket PATH      the engine's management socket (when --data is not given)
              --connect H:P      a remote engine's TLS management listener (asks for a token unless --token-file)
              --ca FILE          PEM certificates to trust for the remote engine (default: the JDK's)
              --token-file FILE  a file holding an OIDC access token, read at every (re)connect
              --theme T          light or dark (remembered)
            Without an engine option the console connects to the engine it used last, else
            """ + EngineAddress.DEFAULT_SOCKET + ".";

    /** Parses arguments; throws IllegalArgumentException with a message naming the problem. */
    public static LaunchOptions parse(List<String> args) {
        Path data = null;
        Path socket = null;
        String connect = null;
        Path ca = null;
        Path tokenFile = null;
        Theme theme = null;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--data" -> data = Path.of(value != null ? value : next(args, ++i, name));
                case "--socket" -> socket = Path.of(value != null ? value : next(args, ++i, name));
                case "--connect" -> connect = value != null ? value : next(args, ++i, name);
                case "--ca" -> ca = Path.of(value != null ? value : next(args, ++i, name));
                case "--token-file" -> tokenFile = Path.of(value != null ? value : next(args, ++i, name));
                case "--theme" -> theme = Theme.parse(value != null ? value : next(args, ++i, name));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        // --data wins over --socket (a launcher may pass both); a remote engine excludes a local one.
        if (connect != null && (data != null || socket != null)) {
            throw new IllegalArgumentException("--connect goes without --data and --socket");
        }
        if ((ca != null || tokenFile != null) && connect == null) {
            throw new IllegalArgumentException("--ca and --token-file go with --connect");
        }
        EngineAddress address = null;
        if (data != null) {
            address = new EngineAddress.Local(data.resolve("bulwark.sock"));
        } else if (socket != null) {
            address = new EngineAddress.Local(socket);
        } else if (connect != null) {
            address = remote(connect, ca, tokenFile);
        }
        return new LaunchOptions(address, theme, help);
    }

    private static EngineAddress.Remote remote(String hostPort, Path ca, Path tokenFile) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--connect needs HOST:PORT, such as bulwark.example.com:7433");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--connect: the port must be a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--connect: the port must be between 1 and 65535");
        }
        return new EngineAddress.Remote(host, port, ca, tokenFile);
    }

    private static String next(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
