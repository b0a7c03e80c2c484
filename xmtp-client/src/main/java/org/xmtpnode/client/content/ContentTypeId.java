package org.xmtpnode.client.content;

import java.util.Objects;

/** Names a kind of content, e.g. {@code xmtp.org/text:1.0}. Codecs are found by authority and type. */
public record ContentTypeId(String authorityId, String typeId, int versionMajor, int versionMinor) {

    public ContentTypeId {
        Objects.requireNonNull(authorityId, "authorityId");
        Objects.requireNonNull(typeId, "typeId");
    }

    static ContentTypeId fromProto(org.xmtpnode.proto.contents.ContentTypeId p) {
        return new ContentTypeId(p.getAuthorityId(), p.getTypeId(), p.getVersionMajor(), p.getVersionMinor());
    }

    public org.xmtpnode.proto.contents.ContentTypeId toProto() {
        return org.xmtpnode.proto.contents.ContentTypeId.newBuilder()
                .setAuthorityId(authorityId)
                .setTypeId(typeId)
                .setVersionMajor(versionMajor)
                .setVersionMinor(versionMinor)
                .build();
    }

    /** Same authority and type, whatever the version. */
    public boolean sameTypeAs(ContentTypeId other) {
        return authorityId.equals(other.authorityId) && typeId.equals(other.typeId);
    }

    @Override
    public String toString() {
        return authorityId + "/" + typeId + ":" + versionMajor + "." + versionMinor;
    }
}
