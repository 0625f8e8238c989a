"""English for the Spanish and German words of household things, places and kinds (agent.languages). Keys are
plain: lower case without accents; values are words the English vocabularies know (agent.vocabulary, agent.kinds,
the households' place names)."""

from __future__ import annotations


def _table(text: str) -> dict[str, str]:
    pairs = (entry.split("=") for entry in text.replace("\n", ";").split(";") if entry.strip())
    return {key.strip(): value.strip() for key, value in pairs}


_ANIMALS = "dog cat puppy kitten bird fish rabbit hamster horse parrot guinea pig"
ANIMALS = frozenset(_ANIMALS.split())

SPANISH = _table(
    """
    chaqueta=jacket; chamarra=jacket; cazadora=jacket; abrigo=coat; impermeable=raincoat; chubasquero=raincoat;
    chaqueta impermeable=waterproof jacket; camisa=shirt; camiseta=t-shirt; blusa=blouse; jersey=sweater;
    sueter=sweater; sudadera=hoodie; pantalon=trousers; pantalones=trousers; vaqueros=jeans; falda=skirt;
    vestido=dress; traje=suit; uniforme=uniform; pijama=pajamas; calcetin=sock; calcetines=socks; ropa=clothes;
    zapato=shoe; zapatos=shoes; zapatilla=sneaker; zapatillas=sneakers; deportivas=sneakers; tenis=sneakers;
    bota=boot; botas=boots; botas de montana=hiking boots; sandalia=sandal; chanclas=flip-flop; gorra=cap;
    sombrero=hat; gorro=beanie; bufanda=scarf; guante=glove; guantes=gloves; cinturon=belt; corbata=tie;
    reloj=watch; gafas=glasses; gafas de sol=sunglasses; gafas de lectura=reading glasses; bolso=handbag;
    cartera=wallet; mochila=backpack; collar=necklace; pulsera=bracelet; anillo=ring; pendientes=earring;
    ropa de bebe=baby clothes; bata=robe; banador=swimsuit; bikini=bikini; abrigo de invierno=winter coat;
    cepillo de dientes=toothbrush; cepillo de dientes electrico=electric toothbrush; secador=hair dryer;
    secador de pelo=hair dryer; plancha de pelo=hair straightener; alisadora=hair straightener;
    maquinilla=razor; afeitadora=shaver; perfume=perfume; colonia=cologne; desodorante=deodorant;
    champu=shampoo; crema=lotion; maquillaje=makeup; toalla=towel; bascula=bathroom scale; neceser=toiletry;
    botiquin=first aid kit; cepillo=hairbrush; peine=comb;
    aspiradora=vacuum cleaner; escoba=broom; fregona=mop; mopa=mop; recogedor=dustpan; cubo=bucket;
    esponja=sponge; detergente=detergent; lejia=bleach; limpiacristales=glass cleaner; plumero=duster;
    limpiador=cleaner; productos de limpieza=cleaning supplies; vaporeta=steam cleaner;
    sofa=sofa; sillon=armchair; silla=chair; mesa=table; mesa de centro=coffee table; mesita=side table;
    mesita de noche=nightstand; escritorio=desk; cama=bed; litera=bunk bed; cuna=crib; colchon=mattress;
    armario=wardrobe; comoda=dresser; estanteria=bookshelf; estante=shelf; librero=bookshelf; lampara=lamp;
    lampara de pie=floor lamp; espejo=mirror; alfombra=rug; cortina=curtain; cortinas=curtains;
    nevera=fridge; frigorifico=fridge; lavadora=washing machine; secadora=dryer; lavavajillas=dishwasher;
    microondas=microwave; horno=oven; cafetera=coffee maker; tostadora=toaster; batidora=blender;
    licuadora=blender; hervidor=kettle; plancha=iron; tabla de planchar=ironing board; ventilador=fan;
    freidora=air fryer; freidora de aire=air fryer; olla=pot; sarten=frying pan; cuchillo=knife;
    vajilla=dishes; platos=plates; vasos=glasses; copas=wine glasses; cubiertos=cutlery; olla lenta=slow cooker;
    portatil=laptop; ordenador=computer; computadora=computer; ordenador portatil=laptop; movil=phone;
    telefono=phone; celular=phone; tableta=tablet; tele=tv; televisor=tv; television=tv; consola=console;
    videoconsola=console; auriculares=headphones; cascos=headphones; altavoz=speaker; camara=camera;
    camara de fotos=camera; impresora=printer; monitor=monitor; teclado=keyboard; raton=mouse; cargador=charger;
    cable=cable; cables=cables; reloj inteligente=smartwatch; libro electronico=e-reader; router=router;
    disco duro=hard drive; mando=controller; dron=drone;
    libro=book; libros=books; libro de cocina=cookbook; novela=novel; novelas=novels; revista=magazine;
    comic=comic; enciclopedia=encyclopedia; diccionario=dictionary; disco=vinyl; discos=records;
    pelicula=movie; peliculas=movies; album de fotos=photo album; album=album; atlas=atlas;
    cuadro=painting; pintura=painting; lamina=print; poster=poster; jarron=vase; florero=vase; vela=candle;
    velas=candles; marco=picture frame; marco de fotos=picture frame; escultura=sculpture; figura=figurine;
    planta=plant; adornos=decorations; adornos de navidad=christmas decorations; decoracion=decor;
    arbol de navidad=christmas tree; luces de navidad=christmas lights; reloj de pared=wall clock; tapiz=tapestry;
    juguete=toy; juguetes=toys; muneca=doll; peluche=stuffed animal; osito=teddy bear;
    osito de peluche=teddy bear; oso de peluche=teddy bear; puzle=puzzle; rompecabezas=puzzle;
    juego de mesa=board game; juegos de mesa=board games; juego=game; lego=lego; cartas=playing cards;
    baraja=playing cards; ajedrez=chess set; videojuego=video game; videojuegos=video games; pelota=ball;
    cochecito=toy car; tren de juguete=toy train;
    bici=bike; bicicleta=bicycle; bici de montana=mountain bike; bicicleta de montana=mountain bike;
    coche=car; auto=car; carro=car; moto=motorcycle; motocicleta=motorcycle; patinete=scooter;
    patinete electrico=electric scooter; furgoneta=van; camion=truck; barco=boat; kayak=kayak; remolque=trailer;
    bici electrica=e-bike; carrito=stroller; cochecito de bebe=stroller; silla de coche=car seat;
    taladro=drill; taladro inalambrico=cordless drill; martillo=hammer; destornillador=screwdriver;
    sierra=saw; llave inglesa=wrench; alicates=pliers; caja de herramientas=toolbox; herramienta=tool;
    herramientas=tools; herramientas de jardin=garden tools; escalera=ladder; cortacesped=lawn mower;
    cortacespedes=lawn mower; cortasetos=hedge trimmer; hidrolimpiadora=pressure washer; manguera=hose;
    brocas=drill bits; nivel=level; lijadora=sander; soldador=soldering iron; carretilla=wheelbarrow;
    pala=shovel; rastrillo=rake; tijeras de podar=pruning shears; metro=tape measure;
    tienda de campana=tent; tienda=tent; saco de dormir=sleeping bag; mochila de senderismo=hiking backpack;
    esterilla=sleeping pad; hornillo=camping stove; nevera portatil=cooler; linterna=flashlight;
    cana de pescar=fishing rod; barbacoa=barbecue grill; parrilla=grill; hamaca=hammock; tabla de surf=surfboard;
    tabla de snow=snowboard; esquis=skis; bastones=trekking poles; prismaticos=binoculars; brujula=compass;
    silla de camping=camping chair; mesa de camping=camping table; manta de picnic=picnic blanket;
    esterilla de yoga=yoga mat; mancuernas=dumbbells; pesas=weights; kettlebell=kettlebell; pesa rusa=kettlebell;
    bicicleta estatica=exercise bike; cinta de correr=treadmill; cinta=treadmill; banco de pesas=weight bench;
    comba=jump rope; raqueta=racket; raquetas=rackets; balon=ball; balon de futbol=football;
    guantes de boxeo=boxing gloves;
    rodillo=foam roller; eliptica=elliptical; bolsa de deporte=gym bag; casco=helmet; patines=skates;
    comedero=food bowl; correa=leash; collar para el perro=dog collar; cama para el perro=dog bed;
    cama para el gato=cat bed; transportin=pet carrier; rascador=scratching post; arenero=litter box;
    pienso=pet food; comida para perros=dog food; comida para gatos=cat food; jaula=cage; acuario=aquarium;
    pecera=fish tank; perro=dog; gato=cat; gatito=kitten; cachorro=puppy; pajaro=bird; conejo=rabbit;
    hamster=hamster; caballo=horse; loro=parrot;
    suscripcion=subscription; licencia=license; abono=membership; cuota=membership; membresia=membership;
    gimnasio=gym membership; seguro=insurance; plan=plan;
    guitarra=guitar; piano=piano; violin=violin; maleta=suitcase; paraguas=umbrella; llaves=keys;
    llaves de repuesto=spare keys; pasaporte=passport; documentos=documents; caja=box; cajas=boxes;
    cajas de mudanza=moving boxes; fotos=photos; bolígrafo=pen; cuaderno=notebook; taza=mug;
    cosas=things; cosa=thing; articulos=items; objetos=things; trastos=stuff;
    garaje=garage; cochera=garage; cocina=kitchen; salon=living room; sala=living room; sala de estar=living room;
    comedor=dining room; dormitorio=bedroom; habitacion=bedroom; cuarto=room; bano=bathroom; aseo=bathroom;
    sotano=basement; atico=attic; desvan=attic; buhardilla=loft; trastero=storage unit; despensa=pantry;
    oficina=office; despacho=office; estudio=study; pasillo=hall; recibidor=hall; entrada=hall; jardin=garden;
    cobertizo=tool shed; caseta=shed; terraza=terrace; balcon=balcony; armario empotrado=closet;
    vestidor=closet; cajon=drawer; cajon del escritorio=desk drawer; banco de trabajo=workbench;
    cuarto de los ninos=kids room; habitacion de los ninos=kids room; cuarto de invitados=guest room;
    lavadero=laundry room; trabajo=work; taquilla=locker; botiquin del bano=medicine cabinet;
    donde=where; esta=is; estan=are; mi=my; mis=my; tu=your; el=the; la=the; los=the; las=the; un=a; una=a;
    unos=some; unas=some; en=in; dentro=inside; sobre=on; encima=on; debajo=under; de=of; del=of the; al=to the;
    y=and; o=or; que=what; cual=which; cuales=which; todo=everything; todas=all; todos=all; lista=list;
    listar=list; muestrame=show; dime=tell me; tengo=do i have; hay=is there; ropa de invierno=winter clothes;
    herramientas electricas=power tools; electrodomesticos=appliances; muebles=furniture; mueble=furniture;
    decoraciones=decorations; adornos navidenos=christmas decorations; electronica=electronics;
    aparatos=gadgets; dispositivos=devices; vehiculos=vehicles; articulos de aseo=toiletries; juegos=games;
    material de camping=camping gear; cosas de camping=camping gear; equipo de camping=camping gear;
    cosas de deporte=sports gear; material deportivo=sports gear; cosas de cocina=kitchen stuff; utensilios=utensils;
    cosas de la mascota=pet stuff; cosas del perro=pet stuff; cosas de limpieza=cleaning supplies;
    suscripciones=subscriptions; licencias=licenses; peliculas y series=movies; musica=music
    """
)

GERMAN = _table(
    """
    jacke=jacket; regenjacke=rain jacket; mantel=coat; wintermantel=winter coat; hemd=shirt; t-shirt=t-shirt;
    bluse=blouse; pullover=sweater; pulli=sweater; strickjacke=cardigan; kapuzenpulli=hoodie; hoodie=hoodie;
    hose=trousers; jeans=jeans; rock=skirt; kleid=dress; anzug=suit; uniform=uniform; schuluniform=school uniform;
    schlafanzug=pajamas; pyjama=pajamas; socke=sock; socken=socks; kleidung=clothes; klamotten=clothes;
    schuh=shoe; schuhe=shoes; turnschuh=sneaker; turnschuhe=sneakers; sneaker=sneakers; laufschuhe=running shoes;
    laufschuh=running shoe; stiefel=boots; gummistiefel=wellington boots; wanderschuhe=hiking boots;
    wanderstiefel=hiking boots; sandalen=sandals; hausschuhe=slippers; mutze=beanie; kappe=cap; hut=hat;
    schal=scarf; handschuh=glove; handschuhe=gloves; gurtel=belt; krawatte=tie; uhr=watch; armbanduhr=watch;
    brille=glasses; sonnenbrille=sunglasses; lesebrille=reading glasses; handtasche=handbag; tasche=bag;
    geldborse=wallet; portemonnaie=wallet; rucksack=backpack; halskette=necklace; kette=necklace;
    armband=bracelet; ring=ring; ohrringe=earrings; babykleidung=baby clothes; bademantel=robe;
    badeanzug=swimsuit; weste=vest; baby=baby;
    zahnburste=toothbrush; elektrische zahnburste=electric toothbrush; fohn=hair dryer; haartrockner=hair dryer;
    glatteisen=hair straightener; rasierer=razor; rasierapparat=shaver; parfum=perfume; deo=deodorant;
    shampoo=shampoo; creme=lotion; schminke=makeup; make-up=makeup; handtuch=towel; waage=bathroom scale;
    kulturbeutel=toiletry bag; erste-hilfe-kasten=first aid kit; verbandskasten=first aid kit; kamm=comb;
    burste=hairbrush; haarburste=hairbrush;
    staubsauger=vacuum cleaner; besen=broom; wischmopp=mop; mopp=mop; kehrschaufel=dustpan; eimer=bucket;
    schwamm=sponge; waschmittel=laundry detergent; putzmittel=cleaner; reiniger=cleaner; glasreiniger=glass cleaner;
    bleiche=bleach; staubwedel=duster; dampfreiniger=steam cleaner; teppichreiniger=carpet cleaner;
    putzsachen=cleaning supplies; saugroboter=robot vacuum; dampfmopp=steam mop;
    sofa=sofa; couch=couch; sessel=armchair; stuhl=chair; burostuhl=office chair; tisch=table; couchtisch=coffee table;
    esstisch=dining table; nachttisch=nightstand; schreibtisch=desk; bett=bed; etagenbett=bunk bed;
    kinderbett=crib; babybett=crib; matratze=mattress; schrank=wardrobe; kleiderschrank=wardrobe;
    kommode=dresser; regal=shelf; bucherregal=bookshelf; lampe=lamp; stehlampe=floor lamp; spiegel=mirror;
    teppich=rug; vorhang=curtain; vorhange=curtains; kuhlschrank=fridge; waschmaschine=washing machine;
    trockner=dryer; spulmaschine=dishwasher; geschirrspuler=dishwasher; mikrowelle=microwave; ofen=oven;
    kaffeemaschine=coffee maker; kaffeevollautomat=coffee maker; toaster=toaster; mixer=blender;
    wasserkocher=kettle; bugeleisen=iron; bugelbrett=ironing board; ventilator=fan; heißluftfritteuse=air fryer;
    heissluftfritteuse=air fryer; fritteuse=fryer; kuchenmaschine=stand mixer; topf=pot; topfe=pots;
    pfanne=frying pan; messer=knife; geschirr=dishes; teller=plates; glaser=glasses; weinglaser=wine glasses;
    besteck=cutlery; schnellkochtopf=pressure cooker; schongarer=slow cooker; mobel=furniture; gerate=appliances;
    laptop=laptop; notebook=laptop; computer=computer; rechner=computer; handy=phone; smartphone=smartphone;
    telefon=phone; tablet=tablet; fernseher=tv; spielkonsole=console; konsole=console; fur=for; furs=for the;
    kopfhorer=headphones; lautsprecher=speaker; kamera=camera; fotoapparat=camera; drucker=printer;
    bildschirm=monitor; tastatur=keyboard; maus=mouse; ladegerat=charger; kabel=cable; smartwatch=smartwatch;
    e-reader=e-reader; router=router; festplatte=hard drive; controller=controller; drohne=drone;
    buch=book; bucher=books; kochbuch=cookbook; roman=novel; romane=novels; zeitschrift=magazine; comic=comic;
    lexikon=encyclopedia; worterbuch=dictionary; schallplatte=vinyl; schallplatten=records; platte=record;
    film=movie; filme=movies; fotoalbum=photo album; atlas=atlas; hörbuch=audiobook; horbuch=audiobook;
    bild=picture; gemalde=painting; poster=poster; vase=vase; keramikvase=ceramic vase; keramik=ceramic;
    kerze=candle; kerzen=candles; bilderrahmen=picture frame; rahmen=frame; skulptur=sculpture;
    figur=figurine; pflanze=plant; deko=decor; dekoration=decorations; weihnachtsdeko=christmas decorations;
    weihnachtsschmuck=christmas decorations; weihnachtsbaum=christmas tree; tannenbaum=christmas tree;
    lichterkette=string lights; wanduhr=wall clock; kunstdruck=art print;
    spielzeug=toy; spielsachen=toys; puppe=doll; kuscheltier=stuffed animal; stofftier=stuffed animal;
    teddy=teddy bear; teddybar=teddy bear; puzzle=puzzle; brettspiel=board game; spiel=game; spiele=games;
    lego=lego; kartenspiel=playing cards; schach=chess set; schachspiel=chess set; videospiel=video game;
    ball=ball; spielzeugauto=toy car; modelleisenbahn=model train; bauklotze=building blocks;
    fahrrad=bicycle; rad=bike; mountainbike=mountain bike; rennrad=road bike; e-bike=e-bike;
    auto=car; wagen=car; motorrad=motorcycle; roller=scooter; e-roller=electric scooter; e-scooter=electric scooter;
    tretroller=kick scooter; transporter=van; boot=boat; kajak=kayak; anhanger=trailer; kinderwagen=stroller;
    kindersitz=car seat; lastenrad=cargo bike;
    bohrmaschine=drill; akkuschrauber=cordless drill; bohrer=drill bits; hammer=hammer; schraubenzieher=screwdriver;
    schraubendreher=screwdriver; sage=saw; kreissage=circular saw; schraubenschlussel=wrench; zange=pliers;
    werkzeugkasten=toolbox; werkzeugkoffer=toolbox; werkzeug=tool; werkzeuge=tools; gartenwerkzeug=garden tools;
    leiter=ladder; rasenmaher=lawn mower; heckenschere=hedge trimmer; hochdruckreiniger=pressure washer;
    schlauch=hose; gartenschlauch=garden hose; wasserwaage=level; schleifmaschine=sander; lotkolben=soldering iron;
    schubkarre=wheelbarrow; schaufel=shovel; spaten=spade; rechen=rake; harke=rake; maßband=tape measure;
    zelt=tent; schlafsack=sleeping bag; wanderrucksack=hiking backpack; isomatte=sleeping pad;
    campingkocher=camping stove; kuhlbox=cooler; taschenlampe=flashlight; angel=fishing rod; angelrute=fishing rod;
    grill=grill; hangematte=hammock; surfbrett=surfboard; snowboard=snowboard; ski=skis; skier=skis;
    wanderstocke=trekking poles; fernglas=binoculars; kompass=compass; campingstuhl=camping chair;
    picknickdecke=picnic blanket; schlitten=sled; zeltplane=tarp;
    yogamatte=yoga mat; hantel=dumbbell; hanteln=dumbbells; kurzhanteln=dumbbells; gewichte=weights;
    kettlebell=kettlebell; heimtrainer=exercise bike; ergometer=exercise bike; laufband=treadmill;
    hantelbank=weight bench; springseil=jump rope; schlager=racket; tennisschlager=tennis racket;
    boxhandschuhe=boxing gloves; faszienrolle=foam roller; crosstrainer=elliptical; sporttasche=gym bag;
    helm=helmet; fahrradhelm=bike helmet; inliner=inline skates; schlittschuhe=ice skates; fußball=football;
    fussball=football; gymnastikball=exercise ball;
    napf=food bowl; leine=leash; hundeleine=dog leash; halsband=collar; katzenhalsband=cat collar;
    hundehalsband=dog collar; hundebett=dog bed; katzenbett=cat bed; transportbox=pet carrier;
    kratzbaum=cat tree; katzenklo=litter box; hundefutter=dog food; katzenfutter=cat food; futter=pet food;
    kafig=cage; vogelkafig=bird cage; aquarium=aquarium; hund=dog; katze=cat; kätzchen=kitten; welpe=puppy;
    vogel=bird; kaninchen=rabbit; hamster=hamster; pferd=horse;
    abo=subscription; abonnement=subscription; lizenz=license; mitgliedschaft=membership;
    fitnessstudio=gym membership; versicherung=insurance; vertrag=plan;
    gitarre=guitar; klavier=piano; geige=violin; koffer=suitcase; regenschirm=umbrella; schirm=umbrella;
    schlussel=keys; ersatzschlussel=spare keys; reisepass=passport; pass=passport; ausweis=id card;
    dokumente=documents; kiste=box; kisten=boxes; umzugskartons=moving boxes; kartons=boxes; fotos=photos;
    kugelschreiber=pen; heft=notebook; tasse=mug; becher=mug;
    sachen=things; dinge=things; gegenstande=things; zeug=stuff; kram=stuff;
    garage=garage; kuche=kitchen; wohnzimmer=living room; esszimmer=dining room; schlafzimmer=bedroom;
    zimmer=room; badezimmer=bathroom; bad=bathroom; keller=basement; dachboden=attic; speicher=attic;
    abstellraum=storage unit; lager=storage unit; speisekammer=pantry; buro=office; arbeitszimmer=study;
    flur=hall; diele=hall; eingang=hall; garten=garden; gerateschuppen=tool shed; geräteschuppen=tool shed;
    geratehaus=tool shed; schuppen=shed; gartenhaus=shed; terrasse=terrace; balkon=balcony;
    schublade=drawer; schreibtischschublade=desk drawer; werkbank=workbench; kinderzimmer=kids room;
    gastezimmer=guest room; waschkuche=laundry room; arbeit=work; spind=locker; medizinschrank=medicine cabinet;
    wo=where; ist=is; sind=are; liegt=is; steht=is; mein=my; meine=my; meinen=my; meinem=my; meiner=my;
    der=the; die=the; das=the; den=the; dem=the; ein=a; eine=a; einen=a; im=in the; in=in; auf=on; unter=under;
    an=at; am=at the; von=of; und=and; oder=or; was=what; welche=which; welcher=which; welches=which;
    alles=everything; alle=all; liste=list; zeig=show; zeige=show; habe=have; hab=have; ich=i; noch=still;
    hingetan=put; hingelegt=put; gelegt=put; verstaut=stored; aufbewahrt=stored;
    winterkleidung=winter clothes; elektrowerkzeuge=power tools; haushaltsgerate=appliances;
    elektronik=electronics; fahrzeuge=vehicles; spielzeuge=toys; kuchensachen=kitchen stuff;
    campingsachen=camping gear; campingausrustung=camping gear; sportsachen=sports gear; sportgerate=sports gear;
    haustiersachen=pet stuff; hundesachen=pet stuff; putzzeug=cleaning supplies; abos=subscriptions;
    lizenzen=licenses; musik=music; kosmetik=cosmetics; schmuck=jewellery; weihnachtssachen=christmas decorations
    """
)
