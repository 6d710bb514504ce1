package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer in OpenAI's shape ({@code ErrorResponse}: message, type, param, code), thrown by an
 * endpoint and written by {@link Router}.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String message, String type, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static ApiError invalid(String param, String message, String code) {
        return new ApiError(400, message, "invalid_request_error", param, code);
    }

    static ApiError missing(String param) {
        return invalid(param, "Missing required parameter: '" + param + "'.", "missing_required_parameter");
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message, "invalid_request_error", null, "not_found");
    }

    /** The error a {@link Fault#status(int)} sends: worded so nobody takes it for a real outage. */
    static ApiError simulated(int status) {
        String message = "Simulated HTTP " + status + " from the synth-lm local backend (a scripted fault)";
        if (status == 429) {
            return new ApiError(status, message, "requests", null, "rate_limit_exceeded");
        }
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        return new ApiError(status, message, type, null, null);
    }

    int status() {
        return status;
    }

    ObjectNode toJson() {
        return body(getMessage(), type, param, code);
    }

    static ObjectNode body(String message, String type, String param, String code) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
