package org.xmtpnode.client.conversation;

import java.time.Clock;
import org.xmtpnode.client.api.ApiClient;
import org.xmtpnode.client.consent.ConsentList;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.identity.ContactDirectory;
import org.xmtpnode.client.identity.IdentityKeys;

/** What every conversation of one client shares. */
record ConversationContext(
        ApiClient api,
        IdentityKeys keys,
        CodecRegistry codecs,
        ContactDirectory contacts,
        ConsentList consent,
        Clock clock) {}
