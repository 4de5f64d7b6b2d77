{{ config(tags=['logic']) }}
{{ gata_an_sessionized_events(gata_tenant(), 'google_analytics', ref('int_google_analytics__events_parsed')) if gata_uses('google_analytics') }}
