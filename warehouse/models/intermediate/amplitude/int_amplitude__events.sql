{{ config(tags=['logic']) }}
{{ gata_an_sessionized_events(gata_tenant(), 'amplitude', ref('int_amplitude__events_parsed'), use_native=true) if gata_uses('amplitude') }}
