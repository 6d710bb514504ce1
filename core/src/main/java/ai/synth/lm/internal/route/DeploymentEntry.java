package ai.synth.lm.internal.route;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.Deployment;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** One {@code model_list} entry of a router config file, read into a {@link Deployment}. */
final class DeploymentEntry {

    private static final Set<String> PARAMS = Set.of("model", "api_base", "api_key", "rpm", "tpm", "weight",
            "timeout", "max_parallel_requests");
    /** Prefixes of servers that speak OpenAI's chat-completions API; each needs an {@code api_base}. */
    private static final Set<String> COMPATIBLE = Set.of("hosted_vllm", "vllm", "lm_studio", "llamafile",
            "openai_like", "custom_openai", "litellm_proxy", "together_ai", "groq", "deepseek", "fireworks_ai",
            "openrouter", "mistral", "xai", "deepinfra", "perplexity", "nvidia_nim", "ollama_chat");
    /** Used when a keyless OpenAI-compatible server (a local vLLM) is given no {@code api_key}. */
    static final String NO_KEY = "EMPTY";

    private final RouterConfigFile file;
    private final JsonNode node;
    private final String where;

    DeploymentEntry(RouterConfigFile file, int index, JsonNode node) {
        this.file = file;
        this.node = node;
        String name = node.path("model_name").isTextual() ? " (model_name " + node.path("model_name").asText() + ")"
                : "";
        this.where = "model_list[" + index + "]" + name;
    }

    Deployment deployment() {
        if (!node.isObject()) {
            throw file.fail(where, "must be a mapping with model_name and litellm_params",
                    "write - model_name: <group> then litellm_params: with model: openai/<name>");
        }
        file.warnUnknown("model_list[]." , node, RouterConfigFile.entryKeys());
        String group = file.text(node, "model_name", where);
        JsonNode params = node.path("litellm_params");
        if (!params.isObject()) {
            throw file.fail(where + ".litellm_params", params.isMissingNode() ? "is missing" : "must be a mapping",
                    "add litellm_params: with at least model: openai/<model name>");
        }
        file.warnUnknown("litellm_params.", params, PARAMS);
        String p = where + ".litellm_params";
        String model = file.text(params, "model", p);
        String baseUrl = params.has("api_base") ? file.text(params, "api_base", p) : null;
        String[] target = target(model, baseUrl, p);
        Deployment.Builder b = Deployment.builder(group, target[0], target[1]).id(id(model)).baseUrl(baseUrl)
                .apiKey(apiKey(params, p, target[0], model));
        if (params.has("rpm")) {
            b.rpm(file.whole(params, "rpm", p, 0, Integer.MAX_VALUE));
        }
        if (params.has("tpm")) {
            b.tpm(file.wholeLong(params, "tpm", p));
        }
        if (params.has("weight")) {
            b.weight(file.number(params, "weight", p));
        }
        if (params.has("max_parallel_requests")) {
            b.maxParallelRequests(file.whole(params, "max_parallel_requests", p, 0, Integer.MAX_VALUE));
        }
        if (params.has("timeout")) {
            b.timeout(file.seconds(params, "timeout", p, false));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | ConfigurationException e) {
            throw file.fail(where, "is invalid: " + e.getMessage(), "correct that value");
        }
    }

    /** The provider and the model name sent, from {@code litellm_params.model}. */
    private String[] target(String model, String baseUrl, String p) {
        int slash = model.indexOf('/');
        String prefix = slash < 0 ? "openai" : model.substring(0, slash);
        String name = slash < 0 ? model : model.substring(slash + 1);
        if (prefix.equals("openai") || prefix.equals("synth")) {
            return new String[] {prefix, name};
        }
        if (COMPATIBLE.contains(prefix)) {
            if (baseUrl == null) {
                throw file.fail(p + ".api_base", "is missing for model " + model,
                        "give the URL of the OpenAI-compatible server, e.g. api_base: http://localhost:8000/v1");
            }
            return new String[] {"openai", name};
        }
        throw file.fail(p + ".model", "has the provider prefix '" + prefix + "', which synth-lm does not speak",
                "use openai/<name> or synth/<name>, or an OpenAI-compatible prefix such as hosted_vllm/<name> with"
                        + " api_base");
    }

    private String id(String model) {
        JsonNode info = node.path("model_info");
        if (info.isMissingNode() || info.isNull()) {
            return model;
        }
        if (!info.isObject()) {
            throw file.fail(where + ".model_info", "must be a mapping", "write model_info: then id: <unique id>");
        }
        file.warnUnknown("model_info.", info, RouterConfigFile.infoKeys());
        return info.has("id") ? file.text(info, "id", where + ".model_info") : model;
    }

    /**
     * The key: {@code os.environ/NAME} read from the environment or {@code .env}; keyless compatible servers get a
     * placeholder.
     */
    private String apiKey(JsonNode params, String p, String provider, String model) {
        if (!params.has("api_key") || params.get("api_key").isNull()) {
            boolean compatible = model.contains("/") && !model.startsWith("openai/") && !model.startsWith("synth/");
            return compatible ? NO_KEY : null;
        }
        String value = file.text(params, "api_key", p);
        if (!value.startsWith("os.environ/")) {
            return value;
        }
        String variable = value.substring("os.environ/".length());
        String key = file.environmentVariable(variable);
        if (key == null || key.isBlank()) {
            throw file.fail(p + ".api_key", "refers to the environment variable " + variable + ", which is not set",
                    "set " + variable + " in the environment or a .env file in the working directory (or write the"
                            + " key itself)");
        }
        return key;
    }
}
