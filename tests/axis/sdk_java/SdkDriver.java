import com.google.gson.JsonObject;
import com.vpcp.services.AgencyServiceImp;
import com.vpcp.services.KnobstickServiceImp;
import com.vpcp.services.VnptProperties;
import java.util.HashMap;
import java.util.Map;

/**
 * Drives the published VNPT SDK (SDKVXP-2.0.1), unchanged, for the lienthong test tier.
 *
 * One JSON request per line on stdin, one JSON reply per line on stdout. A client is one pair of
 * long-lived SDK service objects, as a vendor's document system holds them, so the SDK's own
 * habits (one timestamp per object, headers carried over from earlier calls) are on the wire.
 * The SDK prints its own traces to System.out: they are moved to stderr so stdout carries only
 * the replies. A reply holds the SDK's result object as Gson serialises it, or null when the
 * SDK returned null (it does so when it cannot parse the axis' answer).
 *
 * Requests: {"op":"open","client":C,"endpoint":E,"systemId":S,"secret":K,"store":DIR}
 *           {"op":<SDK method>,"client":C,"header":"<JSON header string>","file":F,"data":D}
 */
public final class SdkDriver extends JsonLinesDriver {
    private static final class Client {
        final KnobstickServiceImp documents;
        final AgencyServiceImp agencies;

        Client(VnptProperties properties) {
            documents = new KnobstickServiceImp(properties);
            agencies = new AgencyServiceImp(properties);
        }
    }

    private final Map<String, Client> clients = new HashMap<String, Client>();

    @Override
    protected Object call(JsonObject request) throws Exception {
        String op = request.get("op").getAsString();
        String name = request.get("client").getAsString();
        if ("open".equals(op)) {
            VnptProperties properties = new VnptProperties(
                    text(request, "endpoint"), text(request, "systemId"), text(request, "secret"),
                    text(request, "store"), 10, 3);
            clients.put(name, new Client(properties));
            return name;
        }
        Client client = clients.get(name);
        if (client == null) {
            throw new IllegalArgumentException("unknown client " + name);
        }
        String header = request.has("header") ? text(request, "header") : "{}";
        if ("sendEdoc".equals(op)) {
            return client.documents.sendEdoc(header, text(request, "file"));
        } else if ("getReceivedEdocList".equals(op)) {
            return client.documents.getReceivedEdocList(header);
        } else if ("getEdoc".equals(op)) {
            return client.documents.getEdoc(header);
        } else if ("downloadEdoc".equals(op)) {
            return client.documents.downloadEdoc(header);
        } else if ("updateStatus".equals(op)) {
            return client.documents.updateStatus(header);
        } else if ("getSentEdocList".equals(op)) {
            return client.documents.getSentEdocList(header);
        } else if ("countReceiveEdoc".equals(op)) {
            return client.documents.countReceiveEdoc(header);
        } else if ("countReceiveStatus".equals(op)) {
            return client.documents.countReceiveStatus(header);
        } else if ("getAgenciesList".equals(op)) {
            return client.agencies.getAgenciesList(header);
        } else if ("getAgenciesListQD20".equals(op)) {
            return client.agencies.getAgenciesListQD20(header);
        } else if ("getSynchronizeUnit".equals(op)) {
            return client.agencies.getSynchronizeUnit(header);
        } else if ("registerAgency".equals(op)) {
            return client.agencies.registerAgency(header, text(request, "data"));
        } else if ("deleteAgency".equals(op)) {
            return client.agencies.deleteAgency(header);
        }
        throw new IllegalArgumentException("unknown op " + op);
    }

    public static void main(String[] args) throws Exception {
        serve(new SdkDriver());
    }
}
