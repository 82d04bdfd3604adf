package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage.ParameterStatus;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A logged-in connection to a target, ready for queries: the channel, what the server reported at
 * login (ParameterStatus, BackendKeyData) and the transaction status of its first ReadyForQuery.
 */
record UpstreamConnection(Channel channel, List<ParameterStatus> parameters, int processId, byte[] secretKey,
                          byte transactionStatus, InetSocketAddress address) {
    UpstreamConnection {
        parameters = List.copyOf(parameters);
    }
}
