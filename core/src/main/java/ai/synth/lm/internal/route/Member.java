package ai.synth.lm.internal.route;

import ai.synth.lm.Deployment;
import ai.synth.lm.UnifiedLMProvider;

/**
 * A deployment with the provider that speaks to it (created with no retries of its own: the router retries).
 *
 * @param deployment the deployment
 * @param provider its own provider
 */
public record Member(Deployment deployment, UnifiedLMProvider provider) {

    /** The deployment's id. */
    public String id() {
        return deployment.id();
    }

    @Override
    public String toString() {
        return deployment.id() + " (" + deployment.modelGroup() + ")";
    }
}
