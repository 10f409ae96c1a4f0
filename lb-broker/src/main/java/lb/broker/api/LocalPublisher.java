package lb.broker.api;

import io.liftbridge.proto.Api;
import io.nats.client.impl.Headers;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.metadata.MetadataView;
import lb.broker.metadata.PartitionInfo;
import lb.broker.metadata.StreamInfo;
import lb.broker.partition.LocalPublish;
import lb.broker.partition.Partition;
import lb.client.envelope.Envelope;

/**
 * The short path of Publish and PublishAsync: when this server leads the target partition, the
 * message goes straight to the partition's writer and its ack straight back to the call — no
 * envelope, no NATS round trip for the message nor for its ack. Upstream publishes every message
 * on the partition subject and waits for the ack on NATS; what that made observable is kept:
 *
 * <ul>
 *   <li>Other streams listening on the same subject (§3.9 "several streams may share a
 *       subject") still get the message: when any other stream's partition subject matches, the
 *       envelope is also published on NATS, marked with the
 *       {@link Partition#storedByHeader()} header so that the partition that stored it
 *       in-process skips its own copy.</li>
 *   <li>An ack inbox chosen by the client still receives the ack on NATS.</li>
 *   <li>Streams with a load-balance group take the NATS path, so the group decides.</li>
 * </ul>
 *
 * <p>What differs (README, compatibility): a raw NATS subscriber of a stream's subject does not
 * see envelopes published through gRPC when no other stream listens there.
 *
 * <p>Threads: called from gRPC handler threads; the per-view cache of shared subjects is
 * replaced as a whole when the metadata changes.
 */
final class LocalPublisher {

    private static final Logger LOG = Logger.getLogger(LocalPublisher.class.getName());

    private final BrokerContext ctx;
    private volatile SharedSubjects shared = new SharedSubjects(MetadataView.EMPTY);

    LocalPublisher(BrokerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Hands {@code req} to partition {@code p}'s writer when this server leads it.
     * {@link Partition.Offer#NOT_HERE} when it does not (or the partition is stopping, or has a
     * load-balance group): publish through NATS then. {@link Partition.Offer#FULL} when the
     * writer's queue is full and {@code wait} is false (on a transport thread): nothing was
     * queued; try again where waiting is allowed.
     *
     * @param ackInbox   the inbox recorded with the message and named in its ack
     * @param publishAck also publish the ack to {@code ackInbox} on NATS (a client's own inbox)
     * @param listener   gets the ack or the failure; null with AckPolicy NONE
     */
    Partition.Offer offer(Api.PublishRequest req, PartitionInfo p, String ackInbox, boolean publishAck,
                          LocalPublish.AckListener listener, boolean wait) {
        if (!p.group().isEmpty() || !ctx.serverId().equals(p.leader())) {
            return Partition.Offer.NOT_HERE;
        }
        Partition local = ctx.partitions().get(p.stream(), p.id());
        if (local == null) {
            return Partition.Offer.NOT_HERE;
        }
        LocalPublish m = new LocalPublish(p.subject(), req.getKey(), req.getValue(), req.getHeadersMap(), ackInbox,
                publishAck, req.getCorrelationId(), req.getAckPolicyValue(), req.getExpectedOffset(), listener);
        try {
            Partition.Offer o = local.offer(m, wait);
            if (o != Partition.Offer.QUEUED) {
                return o;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Partition.Offer.NOT_HERE;
        }
        MetadataView view = ctx.fsm().view();
        if (sharedSubjects(view).listenedByOthers(p.stream(), p.subject())) {
            copyToNats(req, p, ackInbox, local.echoToken());
        }
        return Partition.Offer.QUEUED;
    }

    /** The envelope upstream would have published, for the other streams on the subject. */
    private void copyToNats(Api.PublishRequest req, PartitionInfo p, String ackInbox, String token) {
        Headers h = new Headers().put(Partition.storedByHeader(), token);
        try {
            ctx.nats().publish(p.subject(), h, Envelope.encodePublish(ApiService.envelope(req, p.subject(), ackInbox)));
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Stored here already; only the other streams miss it, as they would on a NATS outage.
            LOG.log(Level.WARNING, "message stored in " + p.stream() + "[" + p.id()
                    + "] but not copied to NATS for the other streams on " + p.subject(), e);
        }
    }

    private SharedSubjects sharedSubjects(MetadataView view) {
        SharedSubjects s = shared;
        if (s.view != view) {
            s = new SharedSubjects(view);
            shared = s;
        }
        return s;
    }

    /** Which streams listen on which subjects, for one metadata view (computed on demand). */
    private static final class SharedSubjects {
        final MetadataView view;
        /** subject → names of the streams with a partition subscribed to it. */
        final ConcurrentHashMap<String, java.util.List<String>> listeners = new ConcurrentHashMap<>();

        SharedSubjects(MetadataView view) {
            this.view = view;
        }

        boolean listenedByOthers(String stream, String subject) {
            for (String s : listeners.computeIfAbsent(subject, this::compute)) {
                if (!s.equals(stream)) {
                    return true;
                }
            }
            return false;
        }

        private java.util.List<String> compute(String subject) {
            java.util.List<String> out = new java.util.ArrayList<>();
            for (StreamInfo s : view.streams().values()) {
                for (PartitionInfo q : s.partitions().values()) {
                    if (subjectMatches(q.subject(), subject)) {
                        out.add(s.name());
                        break;
                    }
                }
            }
            return java.util.List.copyOf(out);
        }
    }

    /**
     * NATS subject matching: {@code pattern} may hold {@code *} (one token) and {@code >} (the
     * rest, at least one token). A literal subject that itself contains wildcards (a wildcard
     * stream's partition subject) matches a pattern token by token as text.
     */
    static boolean subjectMatches(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length) {
                return false;
            }
            if (!p[i].equals("*") && !p[i].equals(s[i])) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
