package org.xmtpnode.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.xmtpnode.client.XmtpClient;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.api.ApiClient;
import org.xmtpnode.client.api.QueryOptions;
import org.xmtpnode.client.api.Subscription;
import org.xmtpnode.client.consent.ConsentState;
import org.xmtpnode.client.conversation.Conversation;
import org.xmtpnode.client.conversation.DecodedMessage;
import org.xmtpnode.client.conversation.StreamListener;
import org.xmtpnode.client.identity.ContactDirectory;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.core.crypto.Ethereum;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The subcommands of {@code xmtp}. */
final class Commands {

    private Commands() {}

    static String address(String s) {
        if (!Ethereum.isAddress(s)) {
            throw new XmtpCli.UserError(s + " is not an address (0x followed by 40 hex digits)");
        }
        return Ethereum.checksum(s);
    }

    @Command(name = "keygen", description = "Write a new random wallet key (hex, mode 600) to FILE; print its address.")
    static final class Keygen implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            LocalWallet wallet = LocalWallet.generate();
            wallet.writeKeyFile(file);
            root.output().line(wallet.address(), "address", wallet.address(), "file", file.toString());
            return 0;
        }
    }

    @Command(name = "init", description = "Load or create the wallet's identity on the network; print its address.")
    static final class Init implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Override
        public Integer call() {
            XmtpClient client = root.client();
            root.output().line(client.address(), "address", client.address());
            return 0;
        }
    }

    @Command(
            name = "token",
            description = "Load or create the wallet's identity on the network; print an auth token of it, for calling"
                    + " the API directly (Authorization: Bearer <token>; valid for an hour).")
    static final class Token implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Override
        public Integer call() {
            XmtpClient client = root.client();
            root.output().line(client.api().authToken(), "token", client.api().authToken());
            return 0;
        }
    }

    @Command(name = "can-message", description = "Print whether ADDRESS is on the network (true or false).")
    static final class CanMessage implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Parameters(paramLabel = "ADDRESS")
        String peer;

        @Override
        public Integer call() {
            String address = address(peer);
            ApiClient api = new ApiClient(root.api, XmtpCli.RETRY, Duration.ofSeconds(20));
            boolean can = new ContactDirectory(api).find(address).isPresent();
            root.output().line(String.valueOf(can), "address", address, "canMessage", can);
            return 0;
        }
    }

    @Command(
            name = "send",
            description = "Send TEXT to ADDRESS (opens a V2 conversation if none exists; V1 if the peer has only a"
                    + " V1 bundle).")
    static final class Send implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Parameters(index = "0", paramLabel = "ADDRESS")
        String peer;

        @Parameters(index = "1", paramLabel = "TEXT")
        String text;

        @Override
        public Integer call() {
            String address = address(peer);
            XmtpClient client = root.client();
            Conversation conversation = client.conversations().newConversation(address);
            root.output().message(conversation.send(text));
            return 0;
        }
    }

    @Command(
            name = "read",
            description = "Print the messages with ADDRESS, oldest first: <ISO-8601 time> <sender address> <text>.")
    static final class Read implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Parameters(paramLabel = "ADDRESS")
        String peer;

        @Option(names = "--limit", paramLabel = "N", description = "only the newest N messages")
        int limit;

        @Override
        public Integer call() {
            if (limit < 0) {
                throw new XmtpCli.UserError("--limit must not be negative");
            }
            String address = address(peer);
            XmtpClient client = root.client();
            QueryOptions options = limit > 0 ? QueryOptions.latest(limit) : QueryOptions.all();
            List<DecodedMessage> all = new ArrayList<>();
            for (Conversation c : client.conversations().with(address)) {
                all.addAll(c.messages(
                        options,
                        rejected -> root.warn("dropped a message that failed verification: " + rejected.getMessage())));
            }
            all.sort(Comparator.comparing(DecodedMessage::sent).thenComparing(DecodedMessage::id));
            List<DecodedMessage> shown =
                    limit > 0 && all.size() > limit ? all.subList(all.size() - limit, all.size()) : all;
            shown.forEach(root.output()::message);
            return 0;
        }
    }

    @Command(name = "conversations", description = "Print one line per conversation: <peer address> <v1|v2> <topic>.")
    static final class ListConversations implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Override
        public Integer call() {
            XmtpClient client = root.client();
            for (Conversation c : client.conversations()
                    .list(rejected -> root.warn(
                            "skipped an invitation that failed" + " verification: " + rejected.getMessage()))) {
                root.output()
                        .line(
                                c.peerAddress() + " " + c.version() + " " + c.topic(),
                                "peer",
                                c.peerAddress(),
                                "version",
                                c.version(),
                                "topic",
                                c.topic(),
                                "conversationId",
                                c.conversationId(),
                                "createdAt",
                                c.createdAt().toString());
            }
            return 0;
        }
    }

    @Command(name = "stream", description = "Print messages to this wallet as they arrive (the format of read).")
    static final class Stream implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Option(names = "--count", paramLabel = "N", description = "stop after N messages (default: never)")
        int count;

        @Override
        public Integer call() throws Exception {
            if (count < 0) {
                throw new XmtpCli.UserError("--count must not be negative");
            }
            XmtpClient client = root.client();
            CountDownLatch done = new CountDownLatch(count > 0 ? count : 1);
            Output out = root.output();
            Object printing = new Object();
            try (Subscription s = client.conversations().streamAllMessages(new StreamListener<>() {
                @Override
                public void onItem(DecodedMessage m) {
                    if (m.senderAddress().equals(client.address()) || done.getCount() == 0) {
                        return;
                    }
                    synchronized (printing) {
                        if (done.getCount() > 0) {
                            out.message(m);
                            if (count > 0) {
                                done.countDown();
                            }
                        }
                    }
                }

                @Override
                public void onError(XmtpException error) {
                    root.warn(error.getMessage());
                }
            })) {
                if (!s.awaitLive(Duration.ofSeconds(30))) {
                    throw new XmtpCli.UserError("the node at " + root.api + " did not open the stream");
                }
                root.warn("streaming messages to " + client.address() + (count > 0 ? " (until " + count + ")" : ""));
                done.await();
            }
            return 0;
        }
    }

    @Command(
            name = "consent",
            description = "consent allow|deny ADDRESS: set ADDRESS's consent state; consent list: print"
                    + " <address> <allowed|denied> per line.")
    static final class Consent implements Callable<Integer> {
        @ParentCommand
        XmtpCli root;

        @Parameters(index = "0", paramLabel = "allow|deny|list")
        String action;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ADDRESS")
        String peer;

        @Override
        public Integer call() {
            switch (action) {
                case "allow", "deny" -> {
                    if (peer == null) {
                        throw new XmtpCli.UserError("consent " + action + " needs an ADDRESS");
                    }
                    String address = address(peer);
                    XmtpClient client = root.client();
                    if (action.equals("allow")) {
                        client.consent().allow(List.of(address));
                    } else {
                        client.consent().deny(List.of(address));
                    }
                    print(address, action.equals("allow") ? ConsentState.ALLOWED : ConsentState.DENIED);
                }
                case "list" -> {
                    if (peer != null) {
                        throw new XmtpCli.UserError("consent list takes no ADDRESS");
                    }
                    for (Map.Entry<String, ConsentState> e :
                            root.client().consent().entries().entrySet()) {
                        print(e.getKey(), e.getValue());
                    }
                }
                default -> throw new XmtpCli.UserError("consent takes allow, deny or list, not " + action);
            }
            return 0;
        }

        private void print(String address, ConsentState state) {
            String name =
                    state == ConsentState.ALLOWED ? "allowed" : state == ConsentState.DENIED ? "denied" : "unknown";
            root.output().line(address + " " + name, "address", address, "state", name);
        }
    }
}
