{{ config(tags=['logic']) }}
{{ gata_an_sessionized_events(gata_tenant(), 'mixpanel', ref('int_mixpanel__events_parsed')) if gata_uses('mixpanel') }}
