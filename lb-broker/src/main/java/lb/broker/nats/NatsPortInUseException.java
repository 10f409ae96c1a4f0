package lb.broker.nats;

import java.io.IOException;

/**
 * The embedded NATS server could not bind because something already listens on its address.
 * The message is one line that suggests pointing lb at that server instead, for the CLI to print.
 */
public final class NatsPortInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;

    NatsPortInUseException(String host, int port, Throwable cause) {
        super("cannot start the embedded NATS server: " + host + ":" + port
                + " is already in use; to use the NATS server already there, start with --nats-servers nats://"
                + urlHost(host) + ":" + port + " (or pick another port for the embedded one)", cause);
        this.host = host;
        this.port = port;
    }

    static String urlHost(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
