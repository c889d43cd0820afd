package io.kdrv.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@value #PID}. The listening address and port are Felix HTTP's own settings (PID
 * {@code org.apache.felix.http} or framework properties {@code org.apache.felix.http.host},
 * {@code org.osgi.service.http.port}); the kdrv runtimes default them to 127.0.0.1:8080.
 */
@ObjectClassDefinition(id = WebConfig.PID, name = "kdrv web console",
        description = "Access token and limits of the kdrv web console and REST API (/kdrv/, /kdrv/api/).")
@interface WebConfig {
    String PID = "kdrv.web";

    @AttributeDefinition(name = "Access token", type = AttributeType.PASSWORD, required = false,
            description = "Token required from other hosts and for state changes without a loopback origin. "
                    + "Empty: generated at first start, printed once and stored (mode 0600) in the state directory.")
    String token() default "";

    @AttributeDefinition(name = "Upload limit (bytes)", min = "1024",
            description = "Largest bundle jar accepted by POST /kdrv/api/deploy (413 above).")
    long upload_max_bytes() default 16L * 1024 * 1024;

    @AttributeDefinition(name = "Deploy directory", required = false,
            description = "Where POST /kdrv/api/deploy puts bundle jars for FileInstall. Empty: framework property "
                    + "felix.fileinstall.dir (the runtime's deploy/).")
    String deploy_dir() default "";

    @AttributeDefinition(name = "Event stream clients", min = "1",
            description = "Concurrent Server-Sent Events clients of /kdrv/api/events (503 above).")
    int sse_max_clients() default 16;
}
