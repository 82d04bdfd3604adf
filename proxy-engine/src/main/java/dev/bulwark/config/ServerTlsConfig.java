package dev.bulwark.config;

/**
 * The engine's own certificate for client TLS, as PEM files. When absent and a listener allows
 * TLS, clients asking for TLS are told 'N'.
 */
public record ServerTlsConfig(String certificate, String privateKey) {
    public ServerTlsConfig {
        if ((certificate == null) != (privateKey == null)) {
            throw new ConfigException("tls", "certificate and private_key go together");
        }
    }

    public boolean configured() {
        return certificate != null;
    }
}
