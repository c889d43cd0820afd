package io.kdrv.drivers.mcp3008.internal;

import com.pi4j.io.spi.Spi;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the Microchip MCP3008 8-channel 10-bit ADC (compatible {@value #COMPATIBLE}) on SPI.
 *
 * <p>probe: validate the node ({@link Mcp3008Config}), open the SPI device ({@code Device.spi()}), convert every
 * configured input once (a chip that does not answer fails the probe here), declare one sensor channel per input
 * (unit V, scale VREF/1024: the published raw value is the 10-bit code) and start the core's sensor poller
 * {@code sensor/<device>}. Each poll converts every input in one 4-byte transfer each (chip select frames a
 * conversion) and checks each frame ({@link Mcp3008Frame}); a frame that does not check fails that poll, counted
 * by the core.
 *
 * <p>remove: nothing to put to sleep (the chip is in standby whenever chip select is high); devres stops the poller,
 * then releases the SPI device.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=" + Mcp3008Driver.COMPATIBLE)
public final class Mcp3008Driver implements Driver {
    /** The compatible string. */
    public static final String COMPATIBLE = "microchip,mcp3008";
    private static final Logger LOG = LoggerFactory.getLogger(Mcp3008Driver.class);

    @Override
    public Binding binding() {
        return Mcp3008Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Mcp3008Config config = Mcp3008Config.from(dev);
        Spi spi = dev.spi();
        Adc adc = new Adc(dev.name(), spi, config);
        int[] first = adc.convertAll(); // presence: an absent chip (MISO stuck high) fails here, naming the device
        SensorChannel[] channels = config.inputs().stream()
                .map(in -> new SensorChannel(in.name(), "V", config.scale()))
                .toArray(SensorChannel[]::new);
        Sensor sensor = dev.sensor(channels);
        dev.startSensorPoller(sensor, config.pollPeriod(), config.cpu(), adc::poll);
        LOG.info("{}: MCP3008 bound on {} (VREF {} V), inputs {}, first codes {}, every {} ms", dev.name(),
                adc.where, config.vref(), config.inputs().stream().map(Mcp3008Config.Input::name).toList(),
                java.util.Arrays.toString(first), config.pollPeriod().toMillis());
    }

    /** The conversions of one device; used by the probe thread, then only by the poller kthread. */
    private static final class Adc {
        private final String device;
        private final Spi spi;
        private final Mcp3008Config config;
        private final String where;
        private final byte[][] requests;
        private final byte[] rx = new byte[Mcp3008Frame.LENGTH];

        Adc(String device, Spi spi, Mcp3008Config config) {
            this.device = device;
            this.spi = spi;
            this.config = config;
            this.where = "spi" + spi.config().bus().getBus() + "." + spi.config().address();
            this.requests = config.inputs().stream().map(in -> Mcp3008Frame.request(in.config()))
                    .toArray(byte[][]::new);
        }

        int[] convertAll() throws IOException {
            int[] codes = new int[requests.length];
            for (int i = 0; i < requests.length; i++) {
                spi.transfer(requests[i], 0, rx, 0, Mcp3008Frame.LENGTH);
                try {
                    codes[i] = Mcp3008Frame.decode(rx);
                } catch (Mcp3008Frame.Garbled e) {
                    throw new IOException("mcp3008 " + device + " on " + where + ", input "
                            + config.inputs().get(i).name() + ": " + e.getMessage());
                }
            }
            return codes;
        }

        void poll(Sensor sensor) throws IOException {
            long t = System.currentTimeMillis();
            int[] codes = convertAll();
            double[] raw = new double[codes.length];
            for (int i = 0; i < codes.length; i++) {
                raw[i] = codes[i];
            }
            sensor.publish(t, raw);
        }
    }
}
