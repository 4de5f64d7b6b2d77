{{ gata_stage(source('amplitude', 'users')) }}
