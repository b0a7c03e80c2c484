package org.xmtpnode.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.xmtpnode.client.ClientOptions;
import org.xmtpnode.client.XmtpClient;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.api.RetryPolicy;
import org.xmtpnode.client.identity.LocalWallet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bin/xmtp}: an XMTP client on the command line. Every failure ends the process with a non-zero
 * status and one line on stderr that says what is wrong.
 */
@Command(
        name = "xmtp",
        mixinStandardHelpOptions = true,
        versionProvider = XmtpCli.Version.class,
        description = "Send and read XMTP messages from a wallet key file.",
        subcommands = {
            Commands.Keygen.class,
            Commands.Init.class,
            Commands.Token.class,
            Commands.CanMessage.class,
            Commands.Send.class,
            Commands.Read.class,
            Commands.ListConversations.class,
            Commands.Stream.class,
            Commands.Consent.class
        })
public final class XmtpCli implements Runnable {

    /** A CLI fails fast: three attempts within about a second when the node does not answer. */
    static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(1));

    @Option(
            names = "--api",
            paramLabel = "URL",
            defaultValue = "${env:XMTP_API_URL:-http://127.0.0.1:5555}",
            scope = ScopeType.INHERIT,
            description = "the node's XMTP API (default: $XMTP_API_URL, else http://127.0.0.1:5555)")
    URI api;

    @Option(
            names = "--wallet-key",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "the wallet's private key, 64 hex digits")
    Path walletKey;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "JSON lines instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), json);
    }

    ClientOptions options() {
        return ClientOptions.forApi(api).withRetry(RETRY).withRequestTimeout(Duration.ofSeconds(20));
    }

    LocalWallet wallet() {
        if (walletKey == null) {
            throw new UserError("this command needs --wallet-key FILE");
        }
        try {
            return LocalWallet.readKeyFile(walletKey);
        } catch (NoSuchFileException e) {
            throw new UserError("cannot read the wallet key file " + walletKey + ": it does not exist");
        } catch (AccessDeniedException e) {
            throw new UserError("cannot read the wallet key file " + walletKey + ": permission denied");
        } catch (IOException e) {
            throw new UserError("cannot read the wallet key file " + walletKey + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError("the wallet key file " + walletKey + " does not hold a key (64 hex digits)");
        }
    }

    /** A note on stderr that does not end the command. */
    void warn(String message) {
        spec.commandLine().getErr().println("xmtp: " + message);
    }

    XmtpClient client() {
        return XmtpClient.create(wallet(), options());
    }

    /** The build's version, from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = XmtpCli.class.getPackage().getImplementationVersion();
            return new String[] {"xmtp " + (v == null ? "dev" : v) + " (xmtp-client, XMTP V1/V2)"};
        }
    }

    /** A mistake of the user's, said in one line. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message, null, false, false);
        }
    }

    public static void main(String[] args) {
        System.exit(run(
                args,
                new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, UTF_8)), true),
                new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.err, UTF_8)), true)));
    }

    /** Runs one command line; answers the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new XmtpCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("xmtp: " + e.getMessage() + " (see xmtp --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("xmtp: " + describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    static String describe(Exception e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists; it is not overwritten";
        }
        if (e instanceof UserError || e instanceof XmtpException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        if (e instanceof IOException io) {
            return io.getClass().getSimpleName() + ": " + io.getMessage();
        }
        return "unexpected error: " + e;
    }
}
