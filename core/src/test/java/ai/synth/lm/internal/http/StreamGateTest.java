package ai.synth.lm.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StreamGateTest {

    private final StreamGate gate = new StreamGate();

    @Test
    void plainHttpSendsNeverWaitUntilAStreamIsRefused() {
        StreamGate.Lane lane = gate.lane(URI.create("http://127.0.0.1:8080/v1/chat/completions"));
        for (int i = 0; i < 500; i++) {
            assertThat(lane.enter()).isDone();
        }
        assertThat(lane.waiting()).isZero();
    }

    @Test
    void theFirstHttpsExchangeGoesAloneAndTheRestFollowOnceItsHeadersArrive() {
        StreamGate.Lane lane = gate.lane(URI.create("https://api.example.com/v1/chat/completions"));
        assertThat(lane.enter()).isDone();
        CompletableFuture<Void> second = lane.enter();
        CompletableFuture<Void> third = lane.enter();
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();

        lane.firstDone();

        assertThat(second).isDone();
        assertThat(third).isDone();
        assertThat(lane.enter()).isDone();
    }

    @Test
    void aHostIsOneLaneWhateverThePathOrCaseOfItsName() {
        assertThat(gate.lane(URI.create("https://API.example.com/v1/a")))
                .isSameAs(gate.lane(URI.create("https://api.example.com/v1/b")));
        assertThat(gate.lane(URI.create("https://api.example.com:8443/v1")))
                .isNotSameAs(gate.lane(URI.create("https://api.example.com/v1")));
    }

    @Test
    void afterARefusalNewSendsQueueBehindTheRefusedOneAndEachEndedExchangeLetsOneGo() {
        StreamGate.Lane lane = warm();
        lane.enter();
        lane.enter();
        lane.enter(); // three hold streams
        CompletableFuture<Void> refused = lane.refused(); // the third was refused: it waits first in line
        CompletableFuture<Void> later = lane.enter();
        assertThat(refused).isNotDone();
        assertThat(later).isNotDone();

        lane.leave();
        assertThat(refused).isDone();
        assertThat(later).isNotDone();

        lane.leave();
        assertThat(later).isDone();
        assertThat(lane.refusals()).isEqualTo(1);
    }

    @Test
    void aWaitGivenUpIsSkippedAndTheStreamGoesToTheNextInLine() {
        StreamGate.Lane lane = warm();
        lane.enter();
        lane.enter();
        CompletableFuture<Void> refused = lane.refused();
        CompletableFuture<Void> next = lane.enter();

        assertThat(lane.withdraw(refused)).isTrue();
        lane.leave();

        assertThat(refused).isCancelled();
        assertThat(next).isDone();
        assertThat(lane.waiting()).isZero();
    }

    @Test
    void aGrantedWaitCannotBeWithdrawnSoItsHolderGivesTheStreamBack() {
        StreamGate.Lane lane = warm();
        lane.enter();
        lane.enter();
        CompletableFuture<Void> refused = lane.refused();
        lane.leave();
        assertThat(lane.withdraw(refused)).isFalse();
    }

    @Test
    void whenTheLaneEmptiesSendsGoAtOnceAgain() {
        StreamGate.Lane lane = warm();
        lane.enter();
        lane.enter();
        CompletableFuture<Void> refused = lane.refused();
        lane.leave();
        assertThat(refused).isDone();
        lane.leave(); // the refused one, sent again, ended
        lane.leave(); // and the last
        assertThat(lane.enter()).isDone();
        assertThat(lane.enter()).isDone();
    }

    @Test
    void onlyTheClientsOwnStreamRefusalCountsAsNeverSent() {
        IOException refused = new IOException(StreamGate.REFUSED);
        assertThat(StreamGate.refusedBeforeSending(refused)).isTrue();
        assertThat(StreamGate.refusedBeforeSending(new CompletionException(new IOException("wrapped", refused))))
                .isTrue();
        assertThat(StreamGate.refusedBeforeSending(new IOException("GOAWAY received"))).isFalse();
        assertThat(StreamGate.refusedBeforeSending(new IOException("connection reset"))).isFalse();
        assertThat(StreamGate.refusedBeforeSending(new IllegalStateException(StreamGate.REFUSED))).isFalse();
    }

    private StreamGate.Lane warm() {
        StreamGate.Lane lane = gate.lane(URI.create("https://api.example.com/v1"));
        lane.firstDone();
        return lane;
    }
}
