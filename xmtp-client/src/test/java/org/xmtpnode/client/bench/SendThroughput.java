package org.xmtpnode.client.bench;

import java.net.URI;
import java.util.Locale;
import org.xmtpnode.client.ClientOptions;
import org.xmtpnode.client.XmtpClient;
import org.xmtpnode.client.conversation.Conversation;
import org.xmtpnode.client.identity.LocalWallet;

/**
 * Messages per second that one Java client sends, one after another, into a V2 conversation through
 * a running network (each send: encode, sign, encrypt, publish, and wait for the node's answer).
 * Prints one JSON line. Usage: SendThroughput API_URL [messages]
 */
public final class SendThroughput {

    private SendThroughput() {}

    public static void main(String[] args) {
        URI api = URI.create(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        ClientOptions options = ClientOptions.forApi(api);
        XmtpClient sender = XmtpClient.create(LocalWallet.generate(), options);
        XmtpClient receiver = XmtpClient.create(LocalWallet.generate(), options);
        Conversation c = sender.conversations().newConversation(receiver.address());
        for (int i = 0; i < Math.min(100, n); i++) {
            c.send("warm-up " + i);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            c.send("message " + i);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(
                Locale.ROOT,
                "{\"messages\":%d,\"seconds\":%.2f,\"messagesPerSecond\":%.0f,\"meanMs\":%.2f}",
                n,
                seconds,
                n / seconds,
                seconds * 1000 / n));
    }
}
