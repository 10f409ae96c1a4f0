package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MetadataFsm on a LocalCommandLog: a restart (snapshot + later entries) recovers every stream, partition and flag. */
class MetadataRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void restartRecoversStreamsPartitionsAndFlags() throws Exception {
        TestClock clock = new TestClock(1_700_000_000L);
        MetadataView before;
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 7)) {
            MetadataFsm fsm = new MetadataFsm();
            log.start(fsm);
            MetadataController c = new MetadataController(log, fsm, () -> List.of("n1"), clock);
            for (int i = 0; i < 12; i++) {
                clock.advanceMs(10);
                c.createStream(Api.CreateStreamRequest.newBuilder().setName("s" + i).setSubject("subj." + i)
                        .setPartitions(1 + i % 3).build()).get(10, TimeUnit.SECONDS);
            }
            c.pauseStream("s1", List.of(), true).get(10, TimeUnit.SECONDS);
            c.setStreamReadonly("s2", List.of(2), true).get(10, TimeUnit.SECONDS);
            c.deleteStream("s3").get(10, TimeUnit.SECONDS);
            c.pauseStream("s4", List.of(0), false).get(10, TimeUnit.SECONDS);
            c.resumePartitions("s4", List.of()).get(10, TimeUnit.SECONDS);
            before = fsm.view();
        }
        MetadataFsm fsm = new MetadataFsm();
        List<MetadataView> restored = new ArrayList<>();
        fsm.addListener(new MetadataListener() {
            @Override
            public void onRestored(MetadataView view) {
                restored.add(view);
            }
        });
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 7)) {
            log.start(fsm);
            assertEquals(before, fsm.view());
            assertEquals(1, restored.size(), "listeners hear about the restored snapshot");
            assertTrue(fsm.view().partition("s1", 1).paused());
            assertTrue(fsm.view().stream("s1").resumeAll(), "resumeAll survives restarts");
            assertTrue(fsm.view().partition("s2", 2).readonly());
            assertFalse(fsm.view().partition("s4", 0).paused());
            assertEquals(null, fsm.view().stream("s3"));
        }
    }
}
