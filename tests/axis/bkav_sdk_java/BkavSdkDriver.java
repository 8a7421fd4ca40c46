import com.bkav.edoc.sdk.EdocProperties;
import com.bkav.edoc.sdk.EdocService;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Drives Bkav's published client SDK (sdk-edoc, com.bkav.edoc.sdk.EdocService), unchanged, for the
 * lienthong profile B test tier.
 *
 * One JSON request per line on stdin, one JSON reply per line on stdout. A client is one long-lived
 * EdocService object, as a vendor's document system holds it, so the SDK's habits are on the wire
 * (its header map keeps every header of earlier calls). The SDK prints to System.out: that goes to
 * stderr so stdout carries only the replies. A reply holds the SDK's response object as Gson
 * serialises it, or null when the SDK returned null (it does when it cannot parse the answer).
 *
 * Requests: {"op":"open","client":C,"endpoint":E,"organId":O,"token":T,"store":DIR}
 *           {"op":<EdocService method>,"client":C,"request":"<JSON request string>","file":F,"organId":O}
 */
public final class BkavSdkDriver extends JsonLinesDriver {
    private final Map<String, EdocService> clients = new HashMap<String, EdocService>();

    @Override
    protected Object call(JsonObject request) throws Exception {
        String op = request.get("op").getAsString();
        String name = request.get("client").getAsString();
        if ("open".equals(op)) {
            EdocProperties properties = new EdocProperties(
                    text(request, "endpoint"), text(request, "organId"), text(request, "token"), text(request, "store"));
            clients.put(name, new EdocService(properties));
            return name;
        }
        EdocService client = clients.get(name);
        if (client == null) {
            throw new IllegalArgumentException("unknown client " + name);
        }
        String body = request.has("request") ? text(request, "request") : "{}";
        if ("sendDocument".equals(op)) {
            return client.sendDocument(body, text(request, "file"));
        } else if ("getPendingDocIds".equals(op)) {
            return client.getPendingDocIds(body);
        } else if ("getDocument".equals(op)) {
            return client.getDocument(body);
        } else if ("confirmReceived".equals(op)) {
            return client.confirmReceived(body);
        } else if ("getOrganization".equals(op)) {
            return client.getOrganization(text(request, "organId"));
        }
        throw new IllegalArgumentException("unknown op " + op);
    }

    public static void main(String[] args) throws Exception {
        serve(new BkavSdkDriver());
    }
}
