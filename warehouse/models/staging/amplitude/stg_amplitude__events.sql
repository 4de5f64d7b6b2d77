{{ gata_stage(source('amplitude', 'events')) }}
